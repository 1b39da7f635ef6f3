using System.Data.Common;
using System.Globalization;
using System.Text;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;

namespace Meterline.Storage.Sql;

/// <summary>
/// The reading queries, the same SQL on both engines; each engine writes batches its own fastest way. Readings are
/// keyed (time, meter, quantity), time first; the latest interval of each (meter, quantity) is kept in its own small
/// table by every write so that it never needs a scan of the readings.
/// </summary>
internal abstract class SqlReadingStore(SqlDatabase database) : IReadingStore
{
    public const int MaxEvents = 10_000;
    public const int MaxSnapshots = 10_000;
    public const int MaxQueryQuantities = 64;

    /// <summary>
    /// The distinct reading times in [@from, @to), one index seek each (a loose index scan). With the time-first key a
    /// per-meter query then costs a seek of (time, meter) per distinct time instead of a scan of every meter's rows in
    /// the box: meters' profile entries fall on the same interval grid, so there are few distinct times. The readings
    /// are joined with CROSS JOIN, which makes SQLite keep t as the outer loop (its planner would otherwise scan the
    /// readings against a Bloom filter of t).
    /// </summary>
    private const string DistinctTimes =
        "WITH RECURSIVE t (time) AS (" +
        "SELECT (" + FirstTime + ") " +
        "UNION ALL " +
        "SELECT (" + NextTime + ") FROM t WHERE t.time IS NOT NULL) ";

    /// <summary>The skip-scan's first step: the first interval time in [@from, @to).</summary>
    private const string FirstTime = "SELECT time FROM readings WHERE time >= @from AND time < @to ORDER BY time LIMIT 1";

    /// <summary>The skip-scan's next step: the interval time after <c>t.time</c>, before @to (one seek of the key).</summary>
    private const string NextTime = "SELECT r.time FROM readings r WHERE r.time > t.time AND r.time < @to ORDER BY r.time LIMIT 1";

    protected SqlDatabase Database { get; } = database;

    public abstract Task<IngestResult> WriteAsync(IngestBatch batch, CancellationToken cancellationToken = default);

    public Task<Page<IntervalReading>> QueryAsync(ReadingQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var quantities = query.Quantities.Distinct().ToList();
        if (quantities.Count > MaxQueryQuantities)
        {
            throw new ArgumentException($"A reading query names at most {MaxQueryQuantities} quantities.", nameof(query));
        }

        (long Time, short Quantity)? after = query.PageToken is null ? null : PageToken.ParseReading(query.PageToken);
        return Database.ReadAsync(
            async connection =>
            {
                var sql = new StringBuilder(DistinctTimes).Append("SELECT r.time, r.quantity, r.value, r.quality FROM t CROSS JOIN readings r WHERE r.time = t.time AND r.meter = @meter");
                var from = StorageTime.ToBoundMicroseconds(query.From);
                if (after is { } resume && resume.Time > from)
                {
                    from = resume.Time;
                }

                await using var command = Database.Command(connection, null, string.Empty)
                    .With("from", Database.Time(from)).With("to", Database.BoundOf(query.To)).With("meter", query.Meter.Value).With("limit", query.PageSize + 1);
                if (after is { } token)
                {
                    sql.Append(" AND (r.time > @after_time OR r.quantity > @after_quantity)");
                    command.With("after_time", Database.Time(token.Time)).With("after_quantity", token.Quantity);
                }

                if (quantities.Count > 0)
                {
                    sql.Append(" AND r.quantity IN (");
                    for (var i = 0; i < quantities.Count; i++)
                    {
                        var name = "q" + i.ToString(CultureInfo.InvariantCulture);
                        sql.Append(i == 0 ? "@" : ", @").Append(name);
                        command.With(name, quantities[i].Code);
                    }

                    sql.Append(')');
                }

                command.CommandText = sql.Append(" ORDER BY r.time, r.quantity LIMIT @limit").ToString();
                var items = new List<IntervalReading>();
                await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        items.Add(new IntervalReading(query.Meter, Database.ReadTime(reader, 0), new Quantity(reader.GetInt16(1)), reader.GetDouble(2), (ReadingQuality)reader.GetInt16(3)));
                    }
                }

                if (items.Count <= query.PageSize)
                {
                    return new Page<IntervalReading>(items, null);
                }

                items.RemoveAt(query.PageSize);
                var last = items[^1];
                return new Page<IntervalReading>(items, PageToken.ForReading(StorageTime.ToMicroseconds(last.Time), last.Quantity.Code));
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<DateTimeOffset>> GetIntervalTimesAsync(MeterId meter, Quantity quantity, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        CheckSpan(from, to);
        return Database.ReadAsync<IReadOnlyList<DateTimeOffset>>(
            async connection =>
            {
                await using var command = Database.Command(
                    connection,
                    null,
                    DistinctTimes + "SELECT r.time FROM t CROSS JOIN readings r WHERE r.time = t.time AND r.meter = @meter AND r.quantity = @quantity ORDER BY r.time")
                    .With("from", Database.BoundOf(from)).With("to", Database.BoundOf(to)).With("meter", meter.Value).With("quantity", quantity.Code);
                var times = new List<DateTimeOffset>();
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    times.Add(Database.ReadTime(reader, 0));
                }

                return times;
            },
            cancellationToken);
    }

    public Task<IReadOnlyDictionary<MeterId, DateTimeOffset>> GetLatestIntervalTimesAsync(Quantity quantity, CancellationToken cancellationToken = default) =>
        Database.ReadAsync<IReadOnlyDictionary<MeterId, DateTimeOffset>>(
            async connection =>
            {
                await using var command = Database.Command(connection, null, "SELECT meter, time FROM latest_readings WHERE quantity = @quantity").With("quantity", quantity.Code);
                var latest = new Dictionary<MeterId, DateTimeOffset>();
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    latest[new MeterId(reader.GetInt32(0))] = Database.ReadTime(reader, 1);
                }

                return latest;
            },
            cancellationToken);

    public Task<IReadOnlyList<BillingSnapshot>> GetBillingSnapshotsAsync(MeterId meter, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default) =>
        Database.ReadAsync<IReadOnlyList<BillingSnapshot>>(
            async connection =>
            {
                var snapshots = new List<(long Key, DateTimeOffset At, DateTimeOffset? DemandAt, ReadingQuality Quality)>();
                await using (var command = Database.Command(
                    connection,
                    null,
                    "SELECT captured_at, maximum_demand_at, quality FROM billing_snapshots WHERE meter = @meter AND captured_at >= @from AND captured_at < @to ORDER BY captured_at LIMIT @limit")
                    .With("meter", meter.Value).With("from", Database.BoundOf(from)).With("to", Database.BoundOf(to)).With("limit", MaxSnapshots))
                {
                    await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        var at = Database.ReadTime(reader, 0);
                        snapshots.Add((StorageTime.ToMicroseconds(at), at, Database.ReadTimeOrNull(reader, 1), (ReadingQuality)reader.GetInt16(2)));
                    }
                }

                if (snapshots.Count == 0)
                {
                    return [];
                }

                var values = new Dictionary<long, List<RegisterValue>>();
                await using (var command = Database.Command(
                    connection,
                    null,
                    "SELECT captured_at, quantity, value FROM billing_values WHERE meter = @meter AND captured_at >= @from AND captured_at <= @last ORDER BY captured_at, position")
                    .With("meter", meter.Value).With("from", Database.Time(snapshots[0].Key)).With("last", Database.Time(snapshots[^1].Key)))
                {
                    await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        var key = StorageTime.ToMicroseconds(Database.ReadTime(reader, 0));
                        if (!values.TryGetValue(key, out var list))
                        {
                            values[key] = list = [];
                        }

                        list.Add(new RegisterValue(new Quantity(reader.GetInt16(1)), reader.GetDouble(2)));
                    }
                }

                return snapshots.Select(s => new BillingSnapshot(meter, s.At, values.GetValueOrDefault(s.Key) ?? [], s.DemandAt, s.Quality)).ToList();
            },
            cancellationToken);

    public Task<IReadOnlyList<MeterEvent>> GetEventsAsync(MeterId? meter, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxEvents);
        var selected = "SELECT meter, occurred_at, code, received_at FROM events WHERE occurred_at >= @from AND occurred_at < @to" +
            (meter is null ? string.Empty : " AND meter = @meter") + " ORDER BY occurred_at DESC, meter, code LIMIT @limit";
        return Database.ReadAsync<IReadOnlyList<MeterEvent>>(
            async connection =>
            {
                var events = new List<(int Meter, long At, int Code, DateTimeOffset Occurred, DateTimeOffset Received)>();
                await using (var command = Parameters(Database.Command(connection, null, selected)))
                {
                    await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        var occurred = Database.ReadTime(reader, 1);
                        events.Add((reader.GetInt32(0), StorageTime.ToMicroseconds(occurred), reader.GetInt32(2), occurred, Database.ReadTime(reader, 3)));
                    }
                }

                var values = new Dictionary<(int, long, int), List<RegisterValue>>();
                if (events.Count > 0)
                {
                    await using var command = Parameters(Database.Command(
                        connection,
                        null,
                        "SELECT v.meter, v.occurred_at, v.code, v.quantity, v.value FROM event_values v JOIN (" + selected +
                        ") e ON v.meter = e.meter AND v.occurred_at = e.occurred_at AND v.code = e.code ORDER BY v.meter, v.occurred_at, v.code, v.position"));
                    await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        var key = (reader.GetInt32(0), StorageTime.ToMicroseconds(Database.ReadTime(reader, 1)), reader.GetInt32(2));
                        if (!values.TryGetValue(key, out var list))
                        {
                            values[key] = list = [];
                        }

                        list.Add(new RegisterValue(new Quantity(reader.GetInt16(3)), reader.GetDouble(4)));
                    }
                }

                return events.Select(e => new MeterEvent(new MeterId(e.Meter), e.Occurred, e.Code, values.GetValueOrDefault((e.Meter, e.At, e.Code)) ?? [], e.Received)).ToList();
            },
            cancellationToken);

        DbCommand Parameters(DbCommand command)
        {
            command.With("from", Database.BoundOf(from)).With("to", Database.BoundOf(to)).With("limit", limit);
            if (meter is { } m)
            {
                command.With("meter", m.Value);
            }

            return command;
        }
    }

    /// <summary>The most meters named in one several-meter statement; a longer set is read in chunks, each one query.</summary>
    public const int MetersPerChunk = 250;

    /// <summary>
    /// The row cap (SQL <c>LIMIT</c>) of one statement of <see cref="GetReadingsOfMetersAsync"/>: when a statement returns
    /// this many rows, the read goes on with another from after its last row (time, quantity, meter), until one returns
    /// fewer or every meter has its <c>maxPerMeter</c>; so the result is the same, and one statement never holds more.
    /// Settable for tests.
    /// </summary>
    internal int ReadingsRowCap { get; set; } = 20_000;

    /// <summary>
    /// Rows per meter and interval time assumed when <see cref="GetReadingsOfMetersAsync"/> sizes its pages of interval
    /// times (all quantities asked for): a page holds about <see cref="ReadingsRowCap"/> rows; more only costs a resume.
    /// </summary>
    private const int AssumedQuantitiesPerInterval = 8;

    /// <summary>The next at most <c>@times</c> distinct interval times from <c>@from</c> (before <c>@to</c>), by the skip-scan of <see cref="DistinctTimes"/>.</summary>
    private const string TimesPage =
        "WITH RECURSIVE t (time, n) AS (" +
        "SELECT (" + FirstTime + "), 1 " +
        "UNION ALL " +
        "SELECT (" + NextTime + "), t.n + 1 FROM t WHERE t.time IS NOT NULL AND t.n < @times) " +
        "SELECT time FROM t WHERE time IS NOT NULL";

    /// <summary>Statements of the several-meter readings read that hit <see cref="ReadingsRowCap"/> (for tests).</summary>
    internal long ReadingsCapHits { get; private set; }

    public async Task<IReadOnlyDictionary<MeterId, IReadOnlyList<IntervalReading>>> GetReadingsOfMetersAsync(
        IReadOnlyCollection<MeterId> meters, DateTimeOffset from, DateTimeOffset to, IReadOnlyList<Quantity> quantities, int maxPerMeter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(quantities);
        var distinct = MeterReads.Check(meters, from, to, maxPerMeter);
        var wanted = quantities.Distinct().ToList();
        if (wanted.Count > MaxQueryQuantities)
        {
            throw new ArgumentException($"A reading query names at most {MaxQueryQuantities} quantities.", nameof(quantities));
        }

        // Paged by interval times: each page is the next few distinct times (sized to hold about ReadingsRowCap rows of
        // the chunk's meters), read and sorted on its own. Sorting the whole window's rows in every capped statement
        // (the order (time, quantity, meter) is not the key's) cost far more than the rows themselves.
        var result = new Dictionary<MeterId, List<IntervalReading>>();
        var perInterval = wanted.Count > 0 ? wanted.Count : AssumedQuantitiesPerInterval;
        foreach (var chunk in distinct.Chunk(MetersPerChunk))
        {
            var ids = chunk.Select(m => m.Value).ToArray();
            var timesPerPage = Math.Max(1, ReadingsRowCap / (ids.Length * perInterval));
            var lower = StorageTime.ToBoundMicroseconds(from);
            var upper = StorageTime.ToBoundMicroseconds(to);
            while (lower < upper && chunk.Any(m => !result.TryGetValue(m, out var list) || list.Count < maxPerMeter))
            {
                var times = await Database.ReadAsync(
                    async connection =>
                    {
                        await using var command = Database.Command(connection, null, TimesPage)
                            .With("from", Database.Time(lower)).With("to", Database.Time(upper)).With("times", timesPerPage);
                        var page = new List<long>(timesPerPage);
                        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            page.Add(StorageTime.ToMicroseconds(Database.ReadTime(reader, 0)));
                        }

                        return page;
                    },
                    cancellationToken).ConfigureAwait(false);
                if (times.Count == 0)
                {
                    break;
                }

                var pageEnd = times.Max() + 1;
                (long Time, int Quantity, int Meter)? after = null;
                do
                {
                    after = await Database.ReadAsync(
                        async connection =>
                        {
                            // At most ReadingsRowCap rows per statement, in (time, quantity, meter) order; when the cap is hit
                            // the next statement reads on after the last row, until a statement returns fewer.
                            var pageFrom = after is { } resume ? resume.Time : times.Min();
                            await using var command = Database.Command(connection, null, string.Empty)
                                .With("from", Database.Time(pageFrom)).With("to", Database.Time(pageEnd)).With("cap", ReadingsRowCap);
                            var sql = new StringBuilder(DistinctTimes).Append("SELECT r.meter, r.time, r.quantity, r.value, r.quality FROM t CROSS JOIN readings r WHERE r.time = t.time");
                            AppendAny(sql, command, "r.meter", "meters", ids);
                            if (wanted.Count > 0)
                            {
                                AppendAny(sql, command, "r.quantity", "quantities", [.. wanted.Select(q => (int)q.Code)]);
                            }

                            if (after is { } last)
                            {
                                sql.Append(" AND (r.time > @after_time OR r.quantity > @after_quantity OR (r.quantity = @after_quantity AND r.meter > @after_meter))");
                                command.With("after_time", Database.Time(last.Time)).With("after_quantity", last.Quantity).With("after_meter", last.Meter);
                            }

                            command.CommandText = sql.Append(" ORDER BY r.time, r.quantity, r.meter LIMIT @cap").ToString();
                            var rows = 0;
                            (long, int, int) lastRow = default;
                            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                            {
                                rows++;
                                var meter = new MeterId(reader.GetInt32(0));
                                var time = Database.ReadTime(reader, 1);
                                var quantity = reader.GetInt16(2);
                                lastRow = (StorageTime.ToMicroseconds(time), quantity, meter.Value);
                                if (!result.TryGetValue(meter, out var list))
                                {
                                    result[meter] = list = [];
                                }

                                if (list.Count < maxPerMeter)
                                {
                                    list.Add(new IntervalReading(meter, time, new Quantity(quantity), reader.GetDouble(3), (ReadingQuality)reader.GetInt16(4)));
                                }
                            }

                            return rows < ReadingsRowCap ? ((long, int, int)?)null : lastRow;
                        },
                        cancellationToken).ConfigureAwait(false);
                    if (after is not null)
                    {
                        ReadingsCapHits++;
                    }
                }
                while (after is not null && chunk.Any(m => !result.TryGetValue(m, out var list) || list.Count < maxPerMeter));

                lower = pageEnd;
            }
        }

        return result.ToDictionary(r => r.Key, r => (IReadOnlyList<IntervalReading>)r.Value);
    }

    public async Task<IReadOnlyDictionary<MeterId, IReadOnlyList<MeterEvent>>> GetEventsOfMetersAsync(
        IReadOnlyCollection<MeterId> meters, DateTimeOffset from, DateTimeOffset to, int limitPerMeter, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limitPerMeter, MaxEvents);
        var distinct = MeterReads.Check(meters, from, to, limitPerMeter);
        var result = new Dictionary<MeterId, IReadOnlyList<MeterEvent>>();
        foreach (var chunk in distinct.Chunk(MetersPerChunk))
        {
            var ids = chunk.Select(m => m.Value).ToArray();
            await Database.ReadAsync(
                async connection =>
                {
                    // Each meter's newest events, at most limitPerMeter of them (a window function, on both engines).
                    var selected = new StringBuilder("SELECT meter, occurred_at, code, received_at FROM (SELECT meter, occurred_at, code, received_at, " +
                        "ROW_NUMBER() OVER (PARTITION BY meter ORDER BY occurred_at DESC, code) AS n FROM events WHERE occurred_at >= @from AND occurred_at < @to");
                    await using var command = Database.Command(connection, null, string.Empty)
                        .With("from", Database.BoundOf(from)).With("to", Database.BoundOf(to)).With("limit", limitPerMeter);
                    AppendAny(selected, command, "meter", "meters", ids);
                    selected.Append(") w WHERE n <= @limit");
                    command.CommandText = selected + " ORDER BY meter, occurred_at DESC, code";
                    var events = new List<(int Meter, long At, int Code, DateTimeOffset Occurred, DateTimeOffset Received)>();
                    await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                    {
                        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            var occurred = Database.ReadTime(reader, 1);
                            events.Add((reader.GetInt32(0), StorageTime.ToMicroseconds(occurred), reader.GetInt32(2), occurred, Database.ReadTime(reader, 3)));
                        }
                    }

                    var values = new Dictionary<(int, long, int), List<RegisterValue>>();
                    if (events.Count > 0)
                    {
                        command.CommandText = "SELECT v.meter, v.occurred_at, v.code, v.quantity, v.value FROM event_values v JOIN (" + selected +
                            ") e ON v.meter = e.meter AND v.occurred_at = e.occurred_at AND v.code = e.code ORDER BY v.meter, v.occurred_at, v.code, v.position";
                        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            var key = (reader.GetInt32(0), StorageTime.ToMicroseconds(Database.ReadTime(reader, 1)), reader.GetInt32(2));
                            if (!values.TryGetValue(key, out var list))
                            {
                                values[key] = list = [];
                            }

                            list.Add(new RegisterValue(new Quantity(reader.GetInt16(3)), reader.GetDouble(4)));
                        }
                    }

                    foreach (var group in events.GroupBy(e => e.Meter))
                    {
                        result[new MeterId(group.Key)] = group.Select(e => new MeterEvent(new MeterId(e.Meter), e.Occurred, e.Code, values.GetValueOrDefault((e.Meter, e.At, e.Code)) ?? [], e.Received)).ToList();
                    }

                    return true;
                },
                cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    public async Task<IReadOnlyDictionary<MeterId, IReadOnlyList<BillingSnapshot>>> GetBillingSnapshotsOfMetersAsync(
        IReadOnlyCollection<MeterId> meters, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        var distinct = MeterReads.CheckMeters(meters, from, to);
        var result = new Dictionary<MeterId, IReadOnlyList<BillingSnapshot>>();
        foreach (var chunk in distinct.Chunk(MetersPerChunk))
        {
            var ids = chunk.Select(m => m.Value).ToArray();
            await Database.ReadAsync(
                async connection =>
                {
                    // Each meter's oldest snapshots, at most MaxSnapshots of them (as the one-meter read).
                    var selected = new StringBuilder("SELECT meter, captured_at, maximum_demand_at, quality FROM (SELECT meter, captured_at, maximum_demand_at, quality, " +
                        "ROW_NUMBER() OVER (PARTITION BY meter ORDER BY captured_at) AS n FROM billing_snapshots WHERE captured_at >= @from AND captured_at < @to");
                    await using var command = Database.Command(connection, null, string.Empty)
                        .With("from", Database.BoundOf(from)).With("to", Database.BoundOf(to)).With("limit", MaxSnapshots);
                    AppendAny(selected, command, "meter", "meters", ids);
                    selected.Append(") s WHERE n <= @limit");
                    command.CommandText = selected + " ORDER BY meter, captured_at";
                    var snapshots = new List<(int Meter, long Key, DateTimeOffset At, DateTimeOffset? DemandAt, ReadingQuality Quality)>();
                    await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                    {
                        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            var at = Database.ReadTime(reader, 1);
                            snapshots.Add((reader.GetInt32(0), StorageTime.ToMicroseconds(at), at, Database.ReadTimeOrNull(reader, 2), (ReadingQuality)reader.GetInt16(3)));
                        }
                    }

                    var values = new Dictionary<(int, long), List<RegisterValue>>();
                    if (snapshots.Count > 0)
                    {
                        command.CommandText = "SELECT v.meter, v.captured_at, v.quantity, v.value FROM billing_values v JOIN (" + selected +
                            ") s ON v.meter = s.meter AND v.captured_at = s.captured_at ORDER BY v.meter, v.captured_at, v.position";
                        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            var key = (reader.GetInt32(0), StorageTime.ToMicroseconds(Database.ReadTime(reader, 1)));
                            if (!values.TryGetValue(key, out var list))
                            {
                                values[key] = list = [];
                            }

                            list.Add(new RegisterValue(new Quantity(reader.GetInt16(2)), reader.GetDouble(3)));
                        }
                    }

                    foreach (var group in snapshots.GroupBy(s => s.Meter))
                    {
                        var meter = new MeterId(group.Key);
                        result[meter] = group.Select(s => new BillingSnapshot(meter, s.At, values.GetValueOrDefault((s.Meter, s.Key)) ?? [], s.DemandAt, s.Quality)).ToList();
                    }

                    return true;
                },
                cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    /// <summary>
    /// Appends <c> AND column</c> matching any of <paramref name="values"/>, bound as one parameter named
    /// <paramref name="name"/>, so that the statement has one shape whatever the number of values (the engine's
    /// prepared statement is reused): <c>= ANY(@name)</c> with an array on PostgreSQL, <c>IN (SELECT value FROM json_each(@name))</c> on SQLite.
    /// </summary>
    protected abstract void AppendAny(StringBuilder sql, DbCommand command, string column, string name, int[] values);

    public Task<IReadOnlyDictionary<MeterId, uint>> GetPushCountersAsync(CancellationToken cancellationToken = default) =>
        Database.ReadAsync<IReadOnlyDictionary<MeterId, uint>>(
            async connection =>
            {
                await using var command = Database.Command(connection, null, "SELECT meter, counter FROM push_counters");
                var counters = new Dictionary<MeterId, uint>();
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    counters[new MeterId(reader.GetInt32(0))] = (uint)reader.GetInt64(1);
                }

                return counters;
            },
            cancellationToken);

    public Task<long> CountReadingsAsync(MeterId? meter = null, CancellationToken cancellationToken = default) =>
        Database.ReadAsync(
            async connection =>
            {
                await using var command = Database.Command(connection, null, meter is null ? "SELECT count(*) FROM readings" : "SELECT count(*) FROM readings WHERE meter = @meter");
                if (meter is { } m)
                {
                    command.With("meter", m.Value);
                }

                return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            },
            cancellationToken);

    /// <summary>The latest time of each (meter, quantity) in a batch, as microseconds.</summary>
    protected static Dictionary<(int Meter, short Quantity), long> LatestOf(IReadOnlyList<IntervalReading> readings)
    {
        var latest = new Dictionary<(int Meter, short Quantity), long>();
        foreach (var reading in readings)
        {
            var key = (reading.Meter.Value, reading.Quantity.Code);
            var time = StorageTime.ToMicroseconds(reading.Time);
            if (!latest.TryGetValue(key, out var seen) || time > seen)
            {
                latest[key] = time;
            }
        }

        return latest;
    }

    private static void CheckSpan(DateTimeOffset from, DateTimeOffset to)
    {
        if (to <= from || to - from > ReadingQuery.MaxSpan)
        {
            throw new ArgumentException($"An interval query spans more than nothing and at most {ReadingQuery.MaxSpan.TotalDays} days.", nameof(to));
        }
    }
}
