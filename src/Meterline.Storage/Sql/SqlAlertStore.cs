using System.Data.Common;
using System.Globalization;
using Meterline.HeadEnd.Analytics;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Northbound;

namespace Meterline.Storage.Sql;

/// <summary>
/// Alerts on either engine. Raising reads the meter's latest alert with the finding's key and extends, ignores or
/// inserts in one transaction; the partial unique index on (meter, dedupe_key) of open and acknowledged alerts is the
/// backstop against two writers opening the same alert. Transitions are a conditional UPDATE on the state.
/// </summary>
internal sealed class SqlAlertStore(SqlDatabase database) : IAlertStore, ITransformerMeterStore
{
    public const int MaxLimit = 10_000;
    public const int MaxTextLength = 256;
    public const int MaxRuleIdLength = 64;

    public async Task<AlertRaiseResult> RaiseAsync(Finding finding, DateTimeOffset at, Func<Alert, IReadOnlyList<OutboxEntry>>? outbox = null, CancellationToken cancellationToken = default)
    {
        Validate(finding);
        try
        {
            return await RaiseOnceAsync(finding, at, outbox, cancellationToken).ConfigureAwait(false);
        }
        catch (DbException e) when (database.Classify(e).Kind == ConstraintKind.Unique)
        {
            // Another writer opened the same alert between our read and insert: now it is there to extend.
            return await RaiseOnceAsync(finding, at, outbox, cancellationToken).ConfigureAwait(false);
        }
        catch (DbException e) when (database.Classify(e).Kind == ConstraintKind.ForeignKey)
        {
            throw new KeyNotFoundException($"No meter {finding.Meter}.", e);
        }
    }

    public async Task<AlertTransitionResult> TransitionAsync(AlertId id, AlertState next, string actor, DateTimeOffset at, Func<Alert, IReadOnlyList<OutboxEntry>>? outbox = null, CancellationToken cancellationToken = default)
    {
        if (next is not (AlertState.Acknowledged or AlertState.Closed))
        {
            throw new ArgumentException("An alert is moved to Acknowledged or Closed.", nameof(next));
        }

        CheckText(actor, nameof(actor));
        return await database.WriteAsync(
            async (connection, transaction) =>
            {
                var current = await GetAsync(connection, transaction, id, cancellationToken).ConfigureAwait(false);
                if (current is null)
                {
                    return new AlertTransitionResult(AlertTransitionOutcome.NotFound, null);
                }

                if (!AlertService.IsAllowed(current.State, next))
                {
                    return new AlertTransitionResult(AlertTransitionOutcome.NotAllowed, current);
                }

                var columns = next == AlertState.Acknowledged ? "acknowledged_by = @actor, acknowledged_at = @at" : "closed_by = @actor, closed_at = @at";
                await using (var update = database.Command(connection, transaction, $"UPDATE alerts SET state = @next, {columns} WHERE id = @id AND state = @expected"))
                {
                    update.With("next", (int)next).With("actor", actor).With("at", database.TimeOf(at)).With("id", id.Value).With("expected", (int)current.State);
                    if (await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
                    {
                        return new AlertTransitionResult(AlertTransitionOutcome.NotAllowed, current);
                    }
                }

                var moved = (await GetAsync(connection, transaction, id, cancellationToken).ConfigureAwait(false))!;
                await OutboxRows.InsertAsync(database, connection, transaction, Compose(outbox, moved), cancellationToken).ConfigureAwait(false);
                return new AlertTransitionResult(AlertTransitionOutcome.Done, moved);
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<AlertTransitionResult> AssignAsync(AlertId id, string? assignee, string actor, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        CheckText(actor, nameof(actor));
        if (assignee is not null)
        {
            CheckText(assignee, nameof(assignee));
        }

        return await database.WriteAsync(
            async (connection, transaction) =>
            {
                await using (var update = database.Command(connection, transaction,
                    "UPDATE alerts SET assigned_to = @assignee, assigned_by = @actor, assigned_at = @at WHERE id = @id AND state <> @closed"))
                {
                    update.With("assignee", assignee).With("actor", actor).With("at", database.TimeOf(at)).With("id", id.Value).With("closed", (int)AlertState.Closed);
                    var changed = await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
                    var alert = await GetAsync(connection, transaction, id, cancellationToken).ConfigureAwait(false);
                    return alert is null
                        ? new AlertTransitionResult(AlertTransitionOutcome.NotFound, null)
                        : new AlertTransitionResult(changed ? AlertTransitionOutcome.Done : AlertTransitionOutcome.NotAllowed, alert);
                }
            },
            cancellationToken).ConfigureAwait(false);
    }

    public Task<Alert?> GetAsync(AlertId id, CancellationToken cancellationToken = default) =>
        database.ReadAsync(connection => GetAsync(connection, null, id, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<Alert>> ListAsync(AlertFilter filter, AlertId? before, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxLimit);
        var conditions = new List<string>(4);
        if (filter.State is not null)
        {
            conditions.Add("state = @state");
        }

        if (filter.Meter is not null)
        {
            conditions.Add("meter = @meter");
        }

        if (filter.RuleId is not null)
        {
            conditions.Add("rule = @rule");
        }

        if (before is not null)
        {
            conditions.Add("id < @before");
        }

        var where = conditions.Count == 0 ? string.Empty : "WHERE " + string.Join(" AND ", conditions) + " ";
        return database.ReadAsync<IReadOnlyList<Alert>>(
            async connection =>
            {
                await using var command = database.Command(connection, null, $"SELECT {AlertRows.Columns} FROM alerts {where}ORDER BY id DESC LIMIT @limit").With("limit", limit);
                if (filter.State is { } state)
                {
                    command.With("state", (int)state);
                }

                if (filter.Meter is { } meter)
                {
                    command.With("meter", meter.Value);
                }

                if (filter.RuleId is { } rule)
                {
                    command.With("rule", rule);
                }

                if (before is { } b)
                {
                    command.With("before", b.Value);
                }

                return await AlertRows.ReadAllAsync(database, command, cancellationToken).ConfigureAwait(false);
            },
            cancellationToken);
    }

    public Task<MeterId?> GetTransformerMeterAsync(string transformerId, CancellationToken cancellationToken = default)
    {
        CheckText(transformerId, nameof(transformerId));
        return database.ReadAsync<MeterId?>(
            async connection =>
            {
                await using var command = database.Command(connection, null, "SELECT meter FROM transformer_meters WHERE transformer_id = @id").With("id", transformerId);
                var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                return value is null or DBNull ? null : new MeterId(Convert.ToInt32(value, CultureInfo.InvariantCulture));
            },
            cancellationToken);
    }

    public async Task SetTransformerMeterAsync(string transformerId, MeterId meter, CancellationToken cancellationToken = default)
    {
        CheckText(transformerId, nameof(transformerId));
        try
        {
            await database.WriteAsync(
                async (connection, transaction) =>
                {
                    await using var command = database.Command(connection, transaction,
                        "INSERT INTO transformer_meters (transformer_id, meter) VALUES (@id, @meter) ON CONFLICT (transformer_id) DO UPDATE SET meter = excluded.meter")
                        .With("id", transformerId).With("meter", meter.Value);
                    return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (DbException e) when (database.Classify(e).Kind == ConstraintKind.ForeignKey)
        {
            throw new KeyNotFoundException($"No meter {meter}.", e);
        }
    }

    private Task<AlertRaiseResult> RaiseOnceAsync(Finding finding, DateTimeOffset at, Func<Alert, IReadOnlyList<OutboxEntry>>? outbox, CancellationToken cancellationToken) =>
        database.WriteAsync(
            async (connection, transaction) =>
            {
                Alert? latest;
                await using (var find = database.Command(connection, transaction, $"SELECT {AlertRows.Columns} FROM alerts WHERE meter = @meter AND dedupe_key = @key ORDER BY id DESC LIMIT 1"))
                {
                    find.With("meter", finding.Meter.Value).With("key", finding.DedupeKey);
                    var found = await AlertRows.ReadAllAsync(database, find, cancellationToken).ConfigureAwait(false);
                    latest = found.Count == 0 ? null : found[0];
                }

                // Data times are stored to the microsecond: compare as stored.
                var to = StorageTime.ToMicroseconds(finding.To);
                if (latest is not null && to <= StorageTime.ToMicroseconds(latest.LastSeen))
                {
                    // Nothing newer than the alert holds, whether it is open or an operator closed it.
                    return new AlertRaiseResult(AlertRaiseOutcome.Unchanged, latest);
                }

                if (latest is not null && latest.State != AlertState.Closed)
                {
                    await using (var extend = database.Command(connection, transaction,
                        "UPDATE alerts SET first_seen = CASE WHEN @first_seen < first_seen THEN @first_seen ELSE first_seen END, last_seen = @last_seen, occurrences = occurrences + 1, " +
                        "severity = @severity, confidence = @confidence, summary = @summary, evidence = @evidence WHERE id = @id"))
                    {
                        // A later finding may place the problem's start earlier (a longer span found once more data is in):
                        // the alert keeps the earliest start any of its findings gave, and only ever grows.
                        extend.With("first_seen", database.TimeOf(finding.From)).With("last_seen", database.TimeOf(finding.To)).With("severity", Math.Max((int)latest.Severity, (int)finding.Severity))
                            .With("confidence", finding.Confidence).With("summary", finding.Summary).With("evidence", EvidenceJson.Write(finding.Evidence)).With("id", latest.Id.Value);
                        await extend.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    return new AlertRaiseResult(AlertRaiseOutcome.Extended, await GetAsync(connection, transaction, latest.Id, cancellationToken).ConfigureAwait(false));
                }

                Alert opened;
                await using (var insert = database.Command(connection, transaction,
                    "INSERT INTO alerts (meter, rule, dedupe_key, category, severity, confidence, summary, evidence, state, first_seen, last_seen, occurrences, raised_at) " +
                    $"VALUES (@meter, @rule, @key, @category, @severity, @confidence, @summary, @evidence, @state, @first_seen, @last_seen, 1, @raised_at) RETURNING {AlertRows.Columns}"))
                {
                    insert.With("meter", finding.Meter.Value).With("rule", finding.RuleId).With("key", finding.DedupeKey).With("category", finding.Category)
                        .With("severity", (int)finding.Severity).With("confidence", finding.Confidence).With("summary", finding.Summary)
                        .With("evidence", EvidenceJson.Write(finding.Evidence)).With("state", (int)AlertState.Open)
                        .With("first_seen", database.TimeOf(finding.From)).With("last_seen", database.TimeOf(finding.To)).With("raised_at", database.TimeOf(at));
                    opened = (await AlertRows.ReadAllAsync(database, insert, cancellationToken).ConfigureAwait(false))[0];
                }

                await OutboxRows.InsertAsync(database, connection, transaction, Compose(outbox, opened), cancellationToken).ConfigureAwait(false);
                return new AlertRaiseResult(AlertRaiseOutcome.Opened, opened);
            },
            cancellationToken);

    private static IReadOnlyList<OutboxEntry> Compose(Func<Alert, IReadOnlyList<OutboxEntry>>? outbox, Alert alert)
    {
        var entries = outbox?.Invoke(alert) ?? [];
        OutboxRows.Validate(entries);
        return entries;
    }

    private async Task<Alert?> GetAsync(DbConnection connection, DbTransaction? transaction, AlertId id, CancellationToken cancellationToken)
    {
        await using var command = database.Command(connection, transaction, $"SELECT {AlertRows.Columns} FROM alerts WHERE id = @id").With("id", id.Value);
        var found = await AlertRows.ReadAllAsync(database, command, cancellationToken).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    private static void Validate(Finding finding)
    {
        ArgumentNullException.ThrowIfNull(finding);
        ArgumentNullException.ThrowIfNull(finding.Evidence, nameof(finding));
        if (string.IsNullOrWhiteSpace(finding.RuleId) || finding.RuleId.Length > MaxRuleIdLength || finding.DedupeKey.Length > MaxTextLength)
        {
            throw new ArgumentException($"A finding's rule id is 1 to {MaxRuleIdLength} characters and its dedupe key at most {MaxTextLength}.", nameof(finding));
        }

        if (string.IsNullOrWhiteSpace(finding.Category) || finding.Category.Length > AlertCategory.MaxLength)
        {
            throw new ArgumentException($"A finding's category is 1 to {AlertCategory.MaxLength} characters.", nameof(finding));
        }

        if (!Enum.IsDefined(finding.Severity) || !(finding.Confidence is >= 0 and <= 1))
        {
            throw new ArgumentException("A finding's severity is Info, Warning or Critical and its confidence from 0 to 1.", nameof(finding));
        }

        if (finding.Summary is null || finding.Summary.Length > Finding.MaxSummaryLength || finding.Evidence.Count > Finding.MaxEvidence)
        {
            throw new ArgumentException($"A finding's summary is at most {Finding.MaxSummaryLength} characters and its evidence at most {Finding.MaxEvidence} items.", nameof(finding));
        }

        if (finding.To < finding.From || !StorageTime.IsStorable(finding.From) || !StorageTime.IsStorable(finding.To)
            || finding.Evidence.Any(e => e is null || !StorageTime.IsStorable(e.Time) || e.Kind is null || e.Name is null || (e.Value is { } v && !double.IsFinite(v))))
        {
            throw new ArgumentException("A finding's span runs forward within the stored times, and its evidence has storable times, names and finite values.", nameof(finding));
        }
    }

    private static void CheckText(string text, string name)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxTextLength)
        {
            throw new ArgumentException($"1 to {MaxTextLength} characters.", name);
        }
    }
}
