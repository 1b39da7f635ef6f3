using System.Globalization;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;
using Meterline.Storage.Sql;
using Microsoft.Data.Sqlite;

namespace Meterline.Storage.Sqlite;

/// <summary>
/// Writes a batch in one transaction on the writer connection with prepared statements reused across batches;
/// <c>INSERT OR IGNORE</c> on the (time, meter, quantity) key makes a repeated batch store nothing and count zero.
/// </summary>
internal sealed class SqliteReadingStore(SqliteDatabase database) : SqlReadingStore(database)
{
    protected override void AppendAny(System.Text.StringBuilder sql, System.Data.Common.DbCommand command, string column, string name, int[] values)
    {
        sql.Append(" AND ").Append(column).Append(" IN (SELECT value FROM json_each(@").Append(name).Append("))");
        command.With(name, "[" + string.Join(',', values.Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]");
    }

    private readonly SqliteDatabase _sqlite = database;

    private const string InsertReading = "INSERT OR IGNORE INTO readings (time, meter, quantity, value, quality) VALUES (@time, @meter, @quantity, @value, @quality)";
    /// <summary>Rows per multi-row insert: one statement per 64 readings costs far less than 64 statements.</summary>
    private const int RowsPerInsert = 64;

    /// <summary>The multi-row insert with anonymous parameters, bound by position (<see cref="SqliteBatchStatement"/>).</summary>
    private static readonly string InsertReadings =
        "INSERT OR IGNORE INTO readings (time, meter, quantity, value, quality) VALUES " + string.Join(", ", Enumerable.Repeat("(?, ?, ?, ?, ?)", RowsPerInsert));

    private const string UpsertPushCounterConflict = " ON CONFLICT (meter) DO UPDATE SET counter = max(push_counters.counter, excluded.counter)";

    /// <summary>The push-counter upsert of <see cref="RowsPerInsert"/> meters per statement, bound by position (the meters of a batch are distinct).</summary>
    private static readonly string UpsertPushCounters =
        "INSERT INTO push_counters (meter, counter) VALUES " + string.Join(", ", Enumerable.Repeat("(?, ?)", RowsPerInsert)) + UpsertPushCounterConflict;

    private const string UpsertLatestConflict = " ON CONFLICT (meter, quantity) DO UPDATE SET time = max(latest_readings.time, excluded.time)";
    private const string UpsertLatest = "INSERT INTO latest_readings (meter, quantity, time) VALUES (@meter, @quantity, @time)" + UpsertLatestConflict;

    /// <summary>
    /// The latest-interval upsert of many (meter, quantity) pairs per statement: a batch from a whole fleet touches as
    /// many pairs as it has readings, and one statement each cost more than inserting the readings.
    /// </summary>
    private static readonly string UpsertLatestMany =
        "INSERT INTO latest_readings (meter, quantity, time) VALUES " + string.Join(", ", Enumerable.Repeat("(?, ?, ?)", RowsPerInsert)) + UpsertLatestConflict;

    private const string InsertSnapshot =
        "INSERT OR IGNORE INTO billing_snapshots (meter, captured_at, maximum_demand_at, quality) VALUES (@meter, @captured_at, @maximum_demand_at, @quality)";
    private const string InsertBillingValue =
        "INSERT INTO billing_values (meter, captured_at, position, quantity, value) VALUES (@meter, @captured_at, @position, @quantity, @value)";
    private const string InsertEvent = "INSERT OR IGNORE INTO events (meter, occurred_at, code, received_at) VALUES (@meter, @occurred_at, @code, @received_at)";
    private const string InsertEventValue =
        "INSERT INTO event_values (meter, occurred_at, code, position, quantity, value) VALUES (@meter, @occurred_at, @code, @position, @quantity, @value)";
    private const string UpsertPushCounter = "INSERT INTO push_counters (meter, counter) VALUES (@meter, @counter)" + UpsertPushCounterConflict;

    public override Task<IngestResult> WriteAsync(IngestBatch batch, CancellationToken cancellationToken = default)
    {
        IngestRules.Validate(batch);
        if (batch.IsEmpty)
        {
            return Task.FromResult(default(IngestResult));
        }

        return _sqlite.WriteAsync(
            async (connection, dbTransaction) =>
            {
                var transaction = (SqliteTransaction)dbTransaction;
                var readings = WriteReadings(batch.Readings, transaction, cancellationToken);
                var snapshots = WriteSnapshots(batch.BillingSnapshots, transaction, cancellationToken);
                var events = WriteEvents(batch.Events, transaction, cancellationToken);
                WritePushCounters(batch.PushCounters, transaction);

                await OutboxRows.InsertAsync(_sqlite, connection, transaction, batch.Outbox, cancellationToken).ConfigureAwait(false);
                MarkHeard(batch.MetersHeard, transaction);
                return new IngestResult(readings, snapshots, events, MetersHeardMarked: batch.MetersHeard.Count > 0);
            },
            cancellationToken);
    }

    private int WriteReadings(IReadOnlyList<IntervalReading> readings, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        if (readings.Count == 0)
        {
            return 0;
        }

        var inserted = 0;
        var full = readings.Count - (readings.Count % RowsPerInsert);
        if (full > 0)
        {
            using var many = new SqliteBatchStatement(transaction.Connection!, InsertReadings);
            for (var start = 0; start < full; start += RowsPerInsert)
            {
                if ((start & 0xFFF) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                for (var row = 0; row < RowsPerInsert; row++)
                {
                    var reading = readings[start + row];
                    var first = (row * 5) + 1;
                    many.Bind(first, StorageTime.ToMicroseconds(reading.Time));
                    many.Bind(first + 1, reading.Meter.Value);
                    many.Bind(first + 2, reading.Quantity.Code);
                    many.Bind(first + 3, reading.Value);
                    many.Bind(first + 4, (long)reading.Quality);
                }

                inserted += many.Execute();
            }
        }

        if (full < readings.Count)
        {
            var one = _sqlite.Prepared(InsertReading, transaction, "@time", "@meter", "@quantity", "@value", "@quality");
            for (var i = full; i < readings.Count; i++)
            {
                Bind(one.Parameters, 0, readings[i]);
                inserted += one.ExecuteNonQuery();
            }
        }

        var pairs = LatestOf(readings).ToArray();
        var fullPairs = pairs.Length - (pairs.Length % RowsPerInsert);
        if (fullPairs > 0)
        {
            using var many = new SqliteBatchStatement(transaction.Connection!, UpsertLatestMany);
            for (var start = 0; start < fullPairs; start += RowsPerInsert)
            {
                for (var row = 0; row < RowsPerInsert; row++)
                {
                    var ((m, q), t) = pairs[start + row];
                    var first = (row * 3) + 1;
                    many.Bind(first, m);
                    many.Bind(first + 1, q);
                    many.Bind(first + 2, t);
                }

                many.Execute();
            }
        }

        var latest = _sqlite.Prepared(UpsertLatest, transaction, "@meter", "@quantity", "@time");
        for (var i = fullPairs; i < pairs.Length; i++)
        {
            var ((m, q), t) = pairs[i];
            latest.Parameters[0].Value = m;
            latest.Parameters[1].Value = q;
            latest.Parameters[2].Value = t;
            latest.ExecuteNonQuery();
        }

        return inserted;
    }

    /// <summary>
    /// The batch's push counters, <see cref="RowsPerInsert"/> meters per statement bound by position (a batch from a
    /// fleet has one counter per push), the rest one by one.
    /// </summary>
    private void WritePushCounters(IReadOnlyDictionary<MeterId, uint> pushCounters, SqliteTransaction transaction)
    {
        var counters = pushCounters.ToArray();
        var full = counters.Length - (counters.Length % RowsPerInsert);
        if (full > 0)
        {
            using var many = new SqliteBatchStatement(transaction.Connection!, UpsertPushCounters);
            for (var start = 0; start < full; start += RowsPerInsert)
            {
                for (var row = 0; row < RowsPerInsert; row++)
                {
                    var (meter, counter) = counters[start + row];
                    many.Bind((row * 2) + 1, meter.Value);
                    many.Bind((row * 2) + 2, (long)counter);
                }

                many.Execute();
            }
        }

        if (full == counters.Length)
        {
            return;
        }

        var one = _sqlite.Prepared(UpsertPushCounter, transaction, "@meter", "@counter");
        for (var i = full; i < counters.Length; i++)
        {
            one.Parameters[0].Value = counters[i].Key.Value;
            one.Parameters[1].Value = (long)counters[i].Value;
            one.ExecuteNonQuery();
        }
    }

    /// <summary>The batch's meters marked heard, up to <see cref="MetersHeardRows.PerStatement"/> per statement bound by position.</summary>
    private static void MarkHeard(IReadOnlyDictionary<MeterId, DateTimeOffset> heard, SqliteTransaction transaction)
    {
        var ordered = MetersHeardRows.Latest(heard);
        SqliteBatchStatement? statement = null;
        try
        {
            for (var start = 0; start < ordered.Length; start += MetersHeardRows.PerStatement)
            {
                var count = Math.Min(MetersHeardRows.PerStatement, ordered.Length - start);
                if (statement is null || statement.Parameters != count * 2)
                {
                    statement?.Dispose();
                    statement = new SqliteBatchStatement(transaction.Connection!, MetersHeardRows.PositionalSql(count));
                }

                for (var i = 0; i < count; i++)
                {
                    var (meter, at) = ordered[start + i];
                    statement.Bind((i * 2) + 1, meter.Value);
                    statement.Bind((i * 2) + 2, StorageTime.ToMicroseconds(at));
                }

                statement.Execute();
            }
        }
        finally
        {
            statement?.Dispose();
        }
    }

    private static void Bind(SqliteParameterCollection parameters, int first, IntervalReading reading)
    {
        parameters[first].Value = StorageTime.ToMicroseconds(reading.Time);
        parameters[first + 1].Value = reading.Meter.Value;
        parameters[first + 2].Value = reading.Quantity.Code;
        parameters[first + 3].Value = reading.Value;
        parameters[first + 4].Value = (short)reading.Quality;
    }

    private int WriteSnapshots(IReadOnlyList<BillingSnapshot> snapshots, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        var inserted = 0;
        foreach (var snapshot in snapshots)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var insert = _sqlite.Prepared(InsertSnapshot, transaction, "@meter", "@captured_at", "@maximum_demand_at", "@quality");
            var at = StorageTime.ToMicroseconds(snapshot.CapturedAt);
            insert.Parameters[0].Value = snapshot.Meter.Value;
            insert.Parameters[1].Value = at;
            insert.Parameters[2].Value = snapshot.MaximumDemandAt is { } demandAt ? StorageTime.ToMicroseconds(demandAt) : DBNull.Value;
            insert.Parameters[3].Value = (short)snapshot.Quality;
            if (insert.ExecuteNonQuery() == 0)
            {
                continue;
            }

            inserted++;
            var values = _sqlite.Prepared(InsertBillingValue, transaction, "@meter", "@captured_at", "@position", "@quantity", "@value");
            for (var position = 0; position < snapshot.Values.Count; position++)
            {
                values.Parameters[0].Value = snapshot.Meter.Value;
                values.Parameters[1].Value = at;
                values.Parameters[2].Value = position;
                values.Parameters[3].Value = snapshot.Values[position].Quantity.Code;
                values.Parameters[4].Value = snapshot.Values[position].Value;
                values.ExecuteNonQuery();
            }
        }

        return inserted;
    }

    private int WriteEvents(IReadOnlyList<MeterEvent> events, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        var inserted = 0;
        foreach (var meterEvent in events)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var insert = _sqlite.Prepared(InsertEvent, transaction, "@meter", "@occurred_at", "@code", "@received_at");
            var at = StorageTime.ToMicroseconds(meterEvent.OccurredAt);
            insert.Parameters[0].Value = meterEvent.Meter.Value;
            insert.Parameters[1].Value = at;
            insert.Parameters[2].Value = meterEvent.Code;
            insert.Parameters[3].Value = StorageTime.ToMicroseconds(meterEvent.ReceivedAt);
            if (insert.ExecuteNonQuery() == 0)
            {
                continue;
            }

            inserted++;
            var values = _sqlite.Prepared(InsertEventValue, transaction, "@meter", "@occurred_at", "@code", "@position", "@quantity", "@value");
            for (var position = 0; position < meterEvent.Values.Count; position++)
            {
                values.Parameters[0].Value = meterEvent.Meter.Value;
                values.Parameters[1].Value = at;
                values.Parameters[2].Value = meterEvent.Code;
                values.Parameters[3].Value = position;
                values.Parameters[4].Value = meterEvent.Values[position].Quantity.Code;
                values.Parameters[5].Value = meterEvent.Values[position].Value;
                values.ExecuteNonQuery();
            }
        }

        return inserted;
    }
}
