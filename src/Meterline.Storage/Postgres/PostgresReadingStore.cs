using Meterline.HeadEnd.Readings;
using Meterline.Storage.Sql;
using Npgsql;
using NpgsqlTypes;

namespace Meterline.Storage.Postgres;

/// <summary>
/// Writes a batch by binary COPY into a temporary staging table, then <c>INSERT … SELECT … ON CONFLICT DO NOTHING</c>
/// into the partitioned readings table in the same transaction (the statement's row count is the number of new
/// readings; of duplicates within the batch the first is kept). Partitions the batch needs are created first. Every
/// statement that takes row locks takes them in key order, so concurrent writers (the ingest writer, back-fill
/// sessions) whose rows overlap wait for each other instead of deadlocking.
/// </summary>
internal sealed class PostgresReadingStore(PostgresDatabase database) : SqlReadingStore(database)
{
    private readonly PostgresDatabase _postgres = database;
    private readonly ReadingPartitions _partitions = new(database);

    protected override void AppendAny(System.Text.StringBuilder sql, System.Data.Common.DbCommand command, string column, string name, int[] values)
    {
        sql.Append(" AND ").Append(column).Append(" = ANY(@").Append(name).Append(')');
        command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = values });
    }

    public override async Task<IngestResult> WriteAsync(IngestBatch batch, CancellationToken cancellationToken = default)
    {
        IngestRules.Validate(batch);
        if (batch.IsEmpty)
        {
            return default;
        }

        var missing = _partitions.MissingMonths(batch.Readings);
        await _partitions.EnsureAsync(missing, cancellationToken).ConfigureAwait(false);
        return await _postgres.WriteAsync(
            async (dbConnection, transaction) =>
            {
                var connection = (NpgsqlConnection)dbConnection;
                var readings = await WriteReadingsAsync(connection, batch.Readings, cancellationToken).ConfigureAwait(false);
                var snapshots = await WriteSnapshotsAsync(connection, batch.BillingSnapshots, cancellationToken).ConfigureAwait(false);
                var events = await WriteEventsAsync(connection, batch.Events, cancellationToken).ConfigureAwait(false);
                if (batch.PushCounters.Count > 0)
                {
                    await using var counters = new NpgsqlCommand(
                        "INSERT INTO push_counters (meter, counter) SELECT * FROM unnest(@meters, @counters) AS c (meter, counter) ORDER BY meter " +
                        "ON CONFLICT (meter) DO UPDATE SET counter = GREATEST(push_counters.counter, excluded.counter)",
                        connection);
                    counters.Parameters.AddWithValue("meters", batch.PushCounters.Keys.Select(m => m.Value).ToArray());
                    counters.Parameters.AddWithValue("counters", batch.PushCounters.Values.Select(c => (long)c).ToArray());
                    await counters.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await OutboxRows.InsertAsync(_postgres, connection, transaction, batch.Outbox, cancellationToken).ConfigureAwait(false);
                await MetersHeardRows.UpdateAsync(_postgres, connection, transaction, batch.MetersHeard, cancellationToken).ConfigureAwait(false);
                return new IngestResult(readings, snapshots, events, MetersHeardMarked: batch.MetersHeard.Count > 0);
            },
            cancellationToken).ConfigureAwait(false);
    }

    private static async Task<int> WriteReadingsAsync(NpgsqlConnection connection, IReadOnlyList<IntervalReading> readings, CancellationToken cancellationToken)
    {
        if (readings.Count == 0)
        {
            return 0;
        }

        await using (var staging = new NpgsqlCommand(
            "CREATE TEMP TABLE reading_staging (time timestamptz NOT NULL, meter integer NOT NULL, quantity smallint NOT NULL, " +
            "value double precision NOT NULL, quality smallint NOT NULL, position integer NOT NULL) ON COMMIT DROP",
            connection))
        {
            await staging.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var importer = await connection.BeginBinaryImportAsync(
            "COPY reading_staging (time, meter, quantity, value, quality, position) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false))
        {
            var position = 0;
            foreach (var reading in readings)
            {
                await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(StorageTime.ToUtcDateTime(StorageTime.ToMicroseconds(reading.Time)), NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(reading.Meter.Value, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(reading.Quantity.Code, NpgsqlDbType.Smallint, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(reading.Value, NpgsqlDbType.Double, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync((short)reading.Quality, NpgsqlDbType.Smallint, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(position++, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
            }

            await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        int inserted;
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO readings (time, meter, quantity, value, quality) SELECT time, meter, quantity, value, quality FROM reading_staging " +
            "ORDER BY time, meter, quantity, position ON CONFLICT DO NOTHING",
            connection))
        {
            inserted = await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using var latest = new NpgsqlCommand(
            "INSERT INTO latest_readings (meter, quantity, time) SELECT meter, quantity, max(time) FROM reading_staging GROUP BY meter, quantity ORDER BY meter, quantity " +
            "ON CONFLICT (meter, quantity) DO UPDATE SET time = GREATEST(latest_readings.time, excluded.time)",
            connection);
        await latest.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return inserted;
    }

    private static async Task<int> WriteSnapshotsAsync(NpgsqlConnection connection, IReadOnlyList<BillingSnapshot> snapshots, CancellationToken cancellationToken)
    {
        if (snapshots.Count == 0)
        {
            return 0;
        }

        await using var insert = new NpgsqlCommand(
            "INSERT INTO billing_snapshots (meter, captured_at, maximum_demand_at, quality) VALUES (@meter, @captured_at, @maximum_demand_at, @quality) ON CONFLICT DO NOTHING",
            connection);
        var meter = insert.Parameters.Add("meter", NpgsqlDbType.Integer);
        var capturedAt = insert.Parameters.Add("captured_at", NpgsqlDbType.TimestampTz);
        var demandAt = insert.Parameters.Add("maximum_demand_at", NpgsqlDbType.TimestampTz);
        var quality = insert.Parameters.Add("quality", NpgsqlDbType.Smallint);
        await using var values = new NpgsqlCommand(
            "INSERT INTO billing_values (meter, captured_at, position, quantity, value) " +
            "SELECT @meter, @captured_at, v.position - 1, v.quantity, v.value FROM unnest(@quantities, @values) WITH ORDINALITY AS v (quantity, value, position)",
            connection);
        var valueMeter = values.Parameters.Add("meter", NpgsqlDbType.Integer);
        var valueAt = values.Parameters.Add("captured_at", NpgsqlDbType.TimestampTz);
        var quantities = values.Parameters.Add("quantities", NpgsqlDbType.Array | NpgsqlDbType.Smallint);
        var numbers = values.Parameters.Add("values", NpgsqlDbType.Array | NpgsqlDbType.Double);
        var inserted = 0;
        foreach (var snapshot in snapshots)
        {
            var at = StorageTime.ToUtcDateTime(StorageTime.ToMicroseconds(snapshot.CapturedAt));
            meter.Value = snapshot.Meter.Value;
            capturedAt.Value = at;
            demandAt.Value = snapshot.MaximumDemandAt is { } d ? StorageTime.ToUtcDateTime(StorageTime.ToMicroseconds(d)) : DBNull.Value;
            quality.Value = (short)snapshot.Quality;
            if (await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                continue;
            }

            inserted++;
            if (snapshot.Values.Count > 0)
            {
                valueMeter.Value = snapshot.Meter.Value;
                valueAt.Value = at;
                quantities.Value = snapshot.Values.Select(v => v.Quantity.Code).ToArray();
                numbers.Value = snapshot.Values.Select(v => v.Value).ToArray();
                await values.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        return inserted;
    }

    private static async Task<int> WriteEventsAsync(NpgsqlConnection connection, IReadOnlyList<MeterEvent> events, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return 0;
        }

        await using var insert = new NpgsqlCommand(
            "INSERT INTO events (meter, occurred_at, code, received_at) VALUES (@meter, @occurred_at, @code, @received_at) ON CONFLICT DO NOTHING",
            connection);
        var meter = insert.Parameters.Add("meter", NpgsqlDbType.Integer);
        var occurredAt = insert.Parameters.Add("occurred_at", NpgsqlDbType.TimestampTz);
        var code = insert.Parameters.Add("code", NpgsqlDbType.Integer);
        var receivedAt = insert.Parameters.Add("received_at", NpgsqlDbType.TimestampTz);
        await using var values = new NpgsqlCommand(
            "INSERT INTO event_values (meter, occurred_at, code, position, quantity, value) " +
            "SELECT @meter, @occurred_at, @code, v.position - 1, v.quantity, v.value FROM unnest(@quantities, @values) WITH ORDINALITY AS v (quantity, value, position)",
            connection);
        var valueMeter = values.Parameters.Add("meter", NpgsqlDbType.Integer);
        var valueAt = values.Parameters.Add("occurred_at", NpgsqlDbType.TimestampTz);
        var valueCode = values.Parameters.Add("code", NpgsqlDbType.Integer);
        var quantities = values.Parameters.Add("quantities", NpgsqlDbType.Array | NpgsqlDbType.Smallint);
        var numbers = values.Parameters.Add("values", NpgsqlDbType.Array | NpgsqlDbType.Double);
        var inserted = 0;
        foreach (var meterEvent in events)
        {
            var at = StorageTime.ToUtcDateTime(StorageTime.ToMicroseconds(meterEvent.OccurredAt));
            meter.Value = meterEvent.Meter.Value;
            occurredAt.Value = at;
            code.Value = meterEvent.Code;
            receivedAt.Value = StorageTime.ToUtcDateTime(StorageTime.ToMicroseconds(meterEvent.ReceivedAt));
            if (await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                continue;
            }

            inserted++;
            if (meterEvent.Values.Count > 0)
            {
                valueMeter.Value = meterEvent.Meter.Value;
                valueAt.Value = at;
                valueCode.Value = meterEvent.Code;
                quantities.Value = meterEvent.Values.Select(v => v.Quantity.Code).ToArray();
                numbers.Value = meterEvent.Values.Select(v => v.Value).ToArray();
                await values.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        return inserted;
    }
}
