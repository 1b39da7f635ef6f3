namespace Meterline.Dlms.Cosem;

/// <summary>The clock_status byte of a COSEM date-time (Blue Book, class 8 Clock).</summary>
[Flags]
public enum ClockStatus : byte
{
    Ok = 0x00,
    InvalidValue = 0x01,
    DoubtfulValue = 0x02,
    DifferentClockBase = 0x04,
    InvalidClockStatus = 0x08,
    DaylightSavingActive = 0x80,

    /// <summary>The whole clock_status field is "not specified" (0xFF).</summary>
    NotSpecified = 0xFF,
}
