namespace Meterline.Meter.Metrology;

/// <summary>The supply at one instant.</summary>
/// <param name="Voltage">RMS voltage, V (0 in an outage).</param>
/// <param name="Frequency">Frequency, Hz (0 in an outage).</param>
public readonly record struct GridSample(double Voltage, double Frequency);
