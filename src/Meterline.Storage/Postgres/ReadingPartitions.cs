using System.Collections.Concurrent;
using System.Globalization;
using Meterline.HeadEnd.Readings;

namespace Meterline.Storage.Postgres;

/// <summary>
/// The monthly partitions of the readings table (UTC months), created on demand before a batch needs them: each in
/// its own transaction under the schema advisory lock with CREATE TABLE IF NOT EXISTS, so any number of writers on any
/// number of nodes create each one once. Months known to exist are remembered (bounded).
/// </summary>
internal sealed class ReadingPartitions(PostgresDatabase database)
{
    /// <summary>How many months not yet seen one batch may bring (a meter clock gone wild must not create years of tables).</summary>
    public const int MaxNewMonthsPerBatch = 24;

    private const int MaxRemembered = 4_096;
    private readonly ConcurrentDictionary<int, bool> _known = new();

    public static string NameOf(int year, int month) => string.Create(CultureInfo.InvariantCulture, $"readings_y{year:D4}m{month:D2}");

    /// <summary>Checks the batch's months; call before writing anything.</summary>
    public List<int> MissingMonths(IReadOnlyList<IntervalReading> readings)
    {
        var missing = new List<int>();
        var seen = new HashSet<int>();
        foreach (var reading in readings)
        {
            var utc = reading.Time.UtcDateTime;
            var month = (utc.Year * 12) + utc.Month - 1;
            if (seen.Add(month) && !_known.ContainsKey(month))
            {
                missing.Add(month);
                if (missing.Count > MaxNewMonthsPerBatch)
                {
                    throw new ArgumentException($"A batch brings readings of at most {MaxNewMonthsPerBatch} months not stored before.", nameof(readings));
                }
            }
        }

        missing.Sort();
        return missing;
    }

    public async Task EnsureAsync(IReadOnlyList<int> months, CancellationToken cancellationToken)
    {
        foreach (var month in months)
        {
            var (year, monthOfYear) = (month / 12, (month % 12) + 1);
            var start = new DateTime(year, monthOfYear, 1, 0, 0, 0, DateTimeKind.Utc);
            var end = start.AddMonths(1);
            var sql = string.Create(
                CultureInfo.InvariantCulture,
                $"CREATE TABLE IF NOT EXISTS {NameOf(year, monthOfYear)} PARTITION OF readings FOR VALUES FROM ('{start:yyyy-MM-dd} 00:00:00+00') TO ('{end:yyyy-MM-dd} 00:00:00+00')");
            await database.WriteAsync(
                async (connection, transaction) =>
                {
                    await database.LockSchemaInAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                    await using var command = database.Command(connection, transaction, sql);
                    return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                },
                cancellationToken).ConfigureAwait(false);
            if (_known.Count < MaxRemembered)
            {
                _known[month] = true;
            }
        }
    }
}
