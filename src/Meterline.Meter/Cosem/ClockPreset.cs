namespace Meterline.Meter.Cosem;

/// <summary>
/// What preset_adjusting_time (Clock method 5, Blue Book 4.5.1) stored: the time to set and the validity interval in
/// which adjust_to_preset_time may set it, all as instants.
/// </summary>
public readonly record struct ClockPreset(DateTimeOffset PresetTime, DateTimeOffset ValidityIntervalStart, DateTimeOffset ValidityIntervalEnd);
