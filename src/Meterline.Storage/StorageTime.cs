namespace Meterline.Storage;

/// <summary>
/// Times as both engines store them: whole microseconds since the Unix epoch, UTC (SQLite stores the number,
/// PostgreSQL a timestamptz of the same precision). Stored times drop sub-microsecond ticks; query bounds round up so
/// that [from, to) selects exactly the stored times t with from ≤ t &lt; to.
/// </summary>
internal static class StorageTime
{
    public const long TicksPerMicrosecond = 10;

    /// <summary>The earliest time a reading, snapshot or event may carry.</summary>
    public static readonly DateTimeOffset MinStored = new(1970, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The first time a reading, snapshot or event may not carry.</summary>
    public static readonly DateTimeOffset MaxStored = new(9999, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly long EpochTicks = DateTimeOffset.UnixEpoch.UtcTicks;
    private static readonly long MaxMicroseconds = (DateTimeOffset.MaxValue.UtcTicks - EpochTicks) / TicksPerMicrosecond;

    /// <summary>A time to store, without its sub-microsecond ticks.</summary>
    public static long ToMicroseconds(DateTimeOffset time)
    {
        var (q, r) = Math.DivRem(time.UtcTicks - EpochTicks, TicksPerMicrosecond);
        return r < 0 ? q - 1 : q;
    }

    /// <summary>A query bound: the first whole microsecond at or after it.</summary>
    public static long ToBoundMicroseconds(DateTimeOffset time)
    {
        var (q, r) = Math.DivRem(time.UtcTicks - EpochTicks, TicksPerMicrosecond);
        var micros = r > 0 ? q + 1 : q;
        return Math.Min(micros, MaxMicroseconds);
    }

    public static DateTimeOffset FromMicroseconds(long micros) => new(EpochTicks + (micros * TicksPerMicrosecond), TimeSpan.Zero);

    public static DateTime ToUtcDateTime(long micros) => new(EpochTicks + (micros * TicksPerMicrosecond), DateTimeKind.Utc);

    public static bool IsStorable(DateTimeOffset time) => time >= MinStored && time < MaxStored;
}
