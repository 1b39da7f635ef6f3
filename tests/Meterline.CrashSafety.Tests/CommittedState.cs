using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Meterline.CrashSafety.Tests;

/// <summary>
/// What a SQLite head-end database holds as committed, read through a separate read-only connection (as another
/// process sees it): every reading with its value and quality, the keys of events and billing snapshots, the push
/// counters, the outgoing counter reservations and the commands' states, with <c>PRAGMA integrity_check</c> and the
/// number of reading keys stored more than once. Times and ids are the stored integers.
/// </summary>
internal sealed record CommittedState(
    IReadOnlyDictionary<(long Time, long Meter, int Quantity), (double Value, int Quality)> Readings,
    IReadOnlySet<(long Meter, long OccurredAt, int Code)> Events,
    IReadOnlySet<(long Meter, long CapturedAt)> BillingSnapshots,
    IReadOnlyDictionary<long, long> PushCounters,
    IReadOnlyDictionary<(long Meter, int Generation), long> OutgoingCounters,
    IReadOnlyDictionary<long, int> CommandStates,
    string IntegrityCheck,
    long DuplicateReadingKeys)
{
    public static async Task<CommittedState> ReadAsync(string databasePath)
    {
        await using var connection = new SqliteConnection(ReadOnly(databasePath));
        await connection.OpenAsync();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();

        var readings = new Dictionary<(long, long, int), (double, int)>();
        await ForEachRowAsync(connection, transaction, "SELECT time, meter, quantity, value, quality FROM readings",
            r => readings.Add((r.GetInt64(0), r.GetInt64(1), r.GetInt32(2)), (r.GetDouble(3), r.GetInt32(4))));
        var events = new HashSet<(long, long, int)>();
        await ForEachRowAsync(connection, transaction, "SELECT meter, occurred_at, code FROM events", r => events.Add((r.GetInt64(0), r.GetInt64(1), r.GetInt32(2))));
        var billing = new HashSet<(long, long)>();
        await ForEachRowAsync(connection, transaction, "SELECT meter, captured_at FROM billing_snapshots", r => billing.Add((r.GetInt64(0), r.GetInt64(1))));
        var pushCounters = new Dictionary<long, long>();
        await ForEachRowAsync(connection, transaction, "SELECT meter, counter FROM push_counters", r => pushCounters.Add(r.GetInt64(0), r.GetInt64(1)));
        var outgoing = new Dictionary<(long, int), long>();
        await ForEachRowAsync(connection, transaction, "SELECT meter, generation, next_value FROM outgoing_counters", r => outgoing.Add((r.GetInt64(0), r.GetInt32(1)), r.GetInt64(2)));
        var commands = new Dictionary<long, int>();
        await ForEachRowAsync(connection, transaction, "SELECT id, state FROM commands", r => commands.Add(r.GetInt64(0), r.GetInt32(1)));
        var duplicates = Convert.ToInt64(await ScalarAsync(connection, transaction,
            "SELECT COUNT(*) FROM (SELECT 1 FROM readings GROUP BY time, meter, quantity HAVING COUNT(*) > 1)"), CultureInfo.InvariantCulture);
        var integrity = Convert.ToString(await ScalarAsync(connection, transaction, "PRAGMA integrity_check"), CultureInfo.InvariantCulture) ?? "no answer";
        return new CommittedState(readings, events, billing, pushCounters, outgoing, commands, integrity, duplicates);
    }

    /// <summary>How many readings are stored now (a quick look, for timing a kill).</summary>
    public static async Task<long> CountReadingsAsync(string databasePath)
    {
        await using var connection = new SqliteConnection(ReadOnly(databasePath));
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM readings";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    /// <summary>How many commands are in <paramref name="state"/> now (a quick look, for timing a kill).</summary>
    public static async Task<long> CountCommandsAsync(string databasePath, int state)
    {
        await using var connection = new SqliteConnection(ReadOnly(databasePath));
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM commands WHERE state = $state";
        command.Parameters.AddWithValue("$state", state);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Everything committed here that <paramref name="later"/> no longer holds as it was: a reading missing or changed,
    /// an event or billing snapshot missing, a push counter or a counter reservation that went down or vanished.
    /// </summary>
    public IReadOnlyList<string> LostIn(CommittedState later)
    {
        ArgumentNullException.ThrowIfNull(later);
        var lost = new List<string>();
        foreach (var (key, stored) in Readings)
        {
            if (!later.Readings.TryGetValue(key, out var now))
            {
                lost.Add($"reading (time {key.Time}, meter {key.Meter}, quantity {key.Quantity}) is gone");
            }
            else if (now != stored)
            {
                lost.Add($"reading (time {key.Time}, meter {key.Meter}, quantity {key.Quantity}) changed from {stored} to {now}");
            }
        }

        lost.AddRange(Events.Where(e => !later.Events.Contains(e)).Select(e => $"event {e} is gone"));
        lost.AddRange(BillingSnapshots.Where(b => !later.BillingSnapshots.Contains(b)).Select(b => $"billing snapshot {b} is gone"));
        foreach (var (meter, counter) in PushCounters)
        {
            if (!later.PushCounters.TryGetValue(meter, out var now) || now < counter)
            {
                lost.Add($"push counter of meter {meter} went from {counter} to {(later.PushCounters.TryGetValue(meter, out var n) ? n : "nothing")}");
            }
        }

        foreach (var (pair, next) in OutgoingCounters)
        {
            if (!later.OutgoingCounters.TryGetValue(pair, out var now) || now < next)
            {
                lost.Add($"outgoing counter reservation of {pair} went from {next} to {(later.OutgoingCounters.TryGetValue(pair, out var n) ? n : "nothing")}");
            }
        }

        return lost;
    }

    private static string ReadOnly(string databasePath) =>
        new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();

    private static async Task ForEachRowAsync(SqliteConnection connection, SqliteTransaction transaction, string sql, Action<SqliteDataReader> row)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            row(reader);
        }
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}
