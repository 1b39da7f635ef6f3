using Meterline.Dlms.Cosem;
using Meterline.Meter.Time;

namespace Meterline.Meter.Cosem;

/// <summary>Checks and encodes the <see cref="long"/> cells of a Profile generic buffer by column type.</summary>
internal static class ProfileCells
{
    /// <summary>Date-time cells are kept a day inside the range of <see cref="DateTimeOffset"/>, so any time zone applies.</summary>
    private static readonly long MinimumTicks = DateTimeOffset.MinValue.AddDays(1).UtcTicks;
    private static readonly long MaximumTicks = DateTimeOffset.MaxValue.AddDays(-1).UtcTicks;

    /// <summary>Ticks per hundredth of a second, the resolution of a COSEM date-time.</summary>
    public const long TicksPerHundredth = TimeSpan.TicksPerMillisecond * 10;

    public static bool IsValid(ProfileColumnType type, long cell) => type switch
    {
        ProfileColumnType.DateTime => cell == ProfileGenericObject.UnspecifiedDateTime || (cell >= MinimumTicks && cell <= MaximumTicks),
        ProfileColumnType.DoubleLongUnsigned => cell is >= 0 and <= uint.MaxValue,
        ProfileColumnType.DoubleLong => cell is >= int.MinValue and <= int.MaxValue,
        ProfileColumnType.LongUnsigned => cell is >= 0 and <= ushort.MaxValue,
        ProfileColumnType.Long => cell is >= short.MinValue and <= short.MaxValue,
        ProfileColumnType.Unsigned or ProfileColumnType.Enum => cell is >= 0 and <= byte.MaxValue,
        ProfileColumnType.Integer => cell is >= sbyte.MinValue and <= sbyte.MaxValue,
        ProfileColumnType.Boolean => cell is 0 or 1,
        _ => true,
    };

    /// <summary>
    /// The COSEM value of a cell. A date-time is written in the clock's time zone and deviation convention, with
    /// clock status 0 (the status at capture is not stored).
    /// </summary>
    public static CosemData ToData(ProfileColumnType type, long cell, MeterClock clock) => type switch
    {
        ProfileColumnType.DateTime => CosemData.OctetString.FromDateTime(cell == ProfileGenericObject.UnspecifiedDateTime
            ? CosemDateTime.Unspecified
            : CosemDateTime.FromDateTimeOffset(new DateTimeOffset(cell, TimeSpan.Zero).ToOffset(clock.UtcOffset), ClockStatus.Ok, clock.Convention)),
        ProfileColumnType.DoubleLongUnsigned => new CosemData.DoubleLongUnsigned((uint)cell),
        ProfileColumnType.DoubleLong => new CosemData.DoubleLong((int)cell),
        ProfileColumnType.LongUnsigned => new CosemData.LongUnsigned((ushort)cell),
        ProfileColumnType.Long => new CosemData.Long((short)cell),
        ProfileColumnType.Unsigned => new CosemData.Unsigned((byte)cell),
        ProfileColumnType.Integer => new CosemData.Integer((sbyte)cell),
        ProfileColumnType.Long64Unsigned => new CosemData.Long64Unsigned(unchecked((ulong)cell)),
        ProfileColumnType.Long64 => new CosemData.Long64(cell),
        ProfileColumnType.Enum => new CosemData.Enum((byte)cell),
        ProfileColumnType.Boolean => new CosemData.Boolean(cell != 0),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown profile column type"),
    };

    /// <summary>A date-time cell as the instant a client sees: truncated to hundredths of a second.</summary>
    public static long ToHundredths(long ticks) => ticks - (ticks % TicksPerHundredth);
}
