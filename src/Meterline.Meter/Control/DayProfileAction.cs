using Meterline.Dlms.Cosem;

namespace Meterline.Meter.Control;

/// <summary>
/// day_profile_action (Blue Book 4.5.5, class 20 day_profile_table): structure {start_time octet-string (time),
/// script_logical_name octet-string, script_selector long-unsigned}. Here the selector is the tariff zone, 1 to
/// <see cref="MaxTariffZone"/>; minute and second may be not specified (counted as 0).
/// </summary>
public readonly record struct DayProfileAction(CosemTime StartTime, ObisCode ScriptLogicalName, ushort ScriptSelector)
{
    /// <summary>The meter has eight tariff-zone registers (1.0.1.8.1.255 … 1.0.1.8.8.255).</summary>
    public const int MaxTariffZone = 8;

    /// <summary>The tariffication script table, 0.0.10.0.100.255 (IEC 62056-6-1).</summary>
    public static ObisCode TarifficationScriptTable { get; } = new(0, 0, 10, 0, 100, 255);

    /// <summary>True when the start time is a time of day and the selector a tariff zone.</summary>
    public bool IsValid =>
        StartTime.Hour <= 23
        && (StartTime.Minute <= 59 || StartTime.Minute == CosemTime.NotSpecified)
        && (StartTime.Second <= 59 || StartTime.Second == CosemTime.NotSpecified)
        && (StartTime.Hundredths <= 99 || StartTime.Hundredths == CosemTime.NotSpecified)
        && ScriptSelector is >= 1 and <= MaxTariffZone;

    /// <summary>The start as a time of day.</summary>
    public TimeSpan Start => new(
        0,
        StartTime.Hour,
        StartTime.Minute == CosemTime.NotSpecified ? 0 : StartTime.Minute,
        StartTime.Second == CosemTime.NotSpecified ? 0 : StartTime.Second,
        StartTime.Hundredths == CosemTime.NotSpecified ? 0 : StartTime.Hundredths * 10);

    public CosemData ToData()
    {
        var time = new byte[CosemTime.EncodedLength];
        StartTime.TryEncode(time, out _);
        return new CosemData.Structure(
            new CosemData.OctetString(time),
            new CosemData.OctetString(ScriptLogicalName.ToArray()),
            new CosemData.LongUnsigned(ScriptSelector));
    }
}
