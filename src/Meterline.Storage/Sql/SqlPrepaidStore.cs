using System.Data.Common;
using Meterline.HeadEnd.Billing;
using Meterline.HeadEnd.Prepaid;

namespace Meterline.Storage.Sql;

/// <summary>
/// Prepaid accounts and ledgers on either engine. A posting runs in one write transaction: the account row is read
/// (locked FOR UPDATE on PostgreSQL; SQLite's write transaction is exclusive), a repeated idempotency key or a changed
/// running charge is refused, the entry is inserted with the next sequence and the account's balance moved by the
/// same amount. Entries are never updated or deleted.
/// </summary>
internal sealed class SqlPrepaidStore(SqlDatabase database) : IPrepaidStore
{
    public const int MaxLimit = 1_000;
    public const int MaxTextLength = 128;

    private const string AccountColumns =
        "consumer, currency, balance, entries, low_balance, supply, disconnect_due_at, episode, last_deduction_amount, last_deduction_at, created_at, created_by";

    private const string RequestColumns =
        "id, consumer, amount, reason, idempotency_key, requested_by, requested_at, expires_at, state, decided_by, decided_at, ledger_sequence";

    private const string EntryColumns =
        "consumer, sequence, kind, amount, balance_after, at, actor, reference, month, month_charged, idempotency_key";

    public async Task<bool> CreateAsync(string consumerId, string currency, DateTimeOffset at, string actor, CancellationToken cancellationToken = default)
    {
        CheckConsumer(consumerId);
        CheckText(currency, nameof(currency));
        CheckText(actor, nameof(actor));
        var inserted = await database.WriteAsync(
            async (connection, transaction) =>
            {
                await using var insert = database.Command(connection, transaction,
                    $"INSERT INTO prepaid_accounts ({AccountColumns}) VALUES (@consumer, @currency, @balance, 0, @low, @supply, NULL, 0, NULL, NULL, @at, @actor) ON CONFLICT DO NOTHING")
                    .With("consumer", consumerId).With("currency", currency).With("balance", 0m).With("low", false)
                    .With("supply", nameof(PrepaidSupply.Connected)).With("at", database.TimeOf(at)).With("actor", actor);
                return await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);
        return inserted == 1;
    }

    public Task<PrepaidAccount?> GetAsync(string consumerId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(consumerId);
        return database.ReadAsync(connection => GetAsync(connection, null, consumerId, forUpdate: false, cancellationToken), cancellationToken);
    }

    public Task<IReadOnlyList<PrepaidAccount>> ListAsync(string? afterConsumer, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxLimit);
        return database.ReadAsync<IReadOnlyList<PrepaidAccount>>(
            async connection =>
            {
                var after = afterConsumer is null ? string.Empty : " WHERE consumer > @after";
                await using var command = database.Command(connection, null,
                    $"SELECT {AccountColumns} FROM prepaid_accounts{after} ORDER BY consumer LIMIT @limit")
                    .With("limit", limit);
                if (afterConsumer is not null)
                {
                    command.With("after", afterConsumer);
                }

                var accounts = new List<PrepaidAccount>();
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    accounts.Add(ReadAccount(reader));
                }

                return accounts;
            },
            cancellationToken);
    }

    public Task<LedgerPostResult> PostAsync(string consumerId, LedgerPosting posting, CancellationToken cancellationToken = default)
    {
        CheckConsumer(consumerId);
        ArgumentNullException.ThrowIfNull(posting);
        CheckText(posting.Actor, nameof(posting));
        CheckText(posting.Reference, nameof(posting));
        if (posting.IdempotencyKey is not null)
        {
            CheckText(posting.IdempotencyKey, nameof(posting));
        }

        CheckAmount(posting.Amount);
        if ((posting.Kind == LedgerEntryKind.Deduction) != (posting.Month is not null && posting.MonthCharged is not null))
        {
            throw new ArgumentException("A deduction, and only a deduction, names its month and the month's running charge.", nameof(posting));
        }

        return database.WriteAsync(
            async (connection, transaction) =>
            {
                var account = await GetAsync(connection, transaction, consumerId, forUpdate: true, cancellationToken).ConfigureAwait(false);
                if (account is null)
                {
                    return new LedgerPostResult(LedgerPostOutcome.UnknownAccount, null, null);
                }

                if (posting.IdempotencyKey is { } key && await FindAsync(connection, transaction, consumerId, key, cancellationToken).ConfigureAwait(false) is { } earlier)
                {
                    return new LedgerPostResult(LedgerPostOutcome.Duplicate, earlier, account);
                }

                if (posting.ExpectedMonthCharged is { } expected && posting.Month is { } month
                    && await MonthChargedAsync(connection, transaction, consumerId, month, cancellationToken).ConfigureAwait(false) != expected)
                {
                    return new LedgerPostResult(LedgerPostOutcome.Conflict, null, account);
                }

                var entry = new LedgerEntry(consumerId, account.Entries + 1, posting.Kind, posting.Amount, account.Balance + posting.Amount, Truncate(posting.At),
                    posting.Actor, posting.Reference, posting.Month, posting.MonthCharged, posting.IdempotencyKey);
                await using (var insert = database.Command(connection, transaction,
                    $"INSERT INTO prepaid_ledger ({EntryColumns}) VALUES (@consumer, @sequence, @kind, @amount, @balance_after, @at, @actor, @reference, @month, @month_charged, @key)"))
                {
                    insert.With("consumer", consumerId).With("sequence", entry.Sequence).With("kind", entry.Kind.ToString()).With("amount", entry.Amount)
                        .With("balance_after", entry.BalanceAfter).With("at", database.TimeOf(entry.At)).With("actor", entry.Actor).With("reference", entry.Reference)
                        .With("month", entry.Month).With("month_charged", entry.MonthCharged).With("key", entry.IdempotencyKey);
                    await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                var deduction = entry.Kind == LedgerEntryKind.Deduction;
                await using (var update = database.Command(connection, transaction,
                    "UPDATE prepaid_accounts SET balance = @balance, entries = @entries" +
                    (deduction ? ", last_deduction_amount = @amount, last_deduction_at = @at" : string.Empty) + " WHERE consumer = @consumer"))
                {
                    update.With("balance", entry.BalanceAfter).With("entries", entry.Sequence).With("consumer", consumerId);
                    if (deduction)
                    {
                        update.With("amount", entry.Amount).With("at", database.TimeOf(entry.At));
                    }

                    await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                var after = account with
                {
                    Balance = entry.BalanceAfter,
                    Entries = entry.Sequence,
                    LastDeductionAmount = deduction ? entry.Amount : account.LastDeductionAmount,
                    LastDeductionAt = deduction ? entry.At : account.LastDeductionAt,
                };
                return new LedgerPostResult(LedgerPostOutcome.Posted, entry, after);
            },
            cancellationToken);
    }

    public Task<LedgerEntry?> FindByKeyAsync(string consumerId, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(consumerId);
        ArgumentNullException.ThrowIfNull(idempotencyKey);
        return database.ReadAsync(connection => FindAsync(connection, null, consumerId, idempotencyKey, cancellationToken), cancellationToken);
    }

    public Task<decimal> GetMonthChargedAsync(string consumerId, BillingMonth month, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(consumerId);
        return database.ReadAsync(connection => MonthChargedAsync(connection, null, consumerId, month.ToString(), cancellationToken), cancellationToken);
    }

    public async Task<bool> SetSupplyAsync(string consumerId, SupplyChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(consumerId);
        ArgumentNullException.ThrowIfNull(change);
        ArgumentOutOfRangeException.ThrowIfNegative(change.Episode);
        var updated = await database.WriteAsync(
            async (connection, transaction) =>
            {
                await using var update = database.Command(connection, transaction,
                    "UPDATE prepaid_accounts SET low_balance = @low, supply = @supply, disconnect_due_at = @due, episode = @episode WHERE consumer = @consumer")
                    .With("low", change.LowBalance).With("supply", change.Supply.ToString()).With("due", database.TimeOrNull(change.DisconnectDueAt))
                    .With("episode", change.Episode).With("consumer", consumerId);
                return await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);
        return updated == 1;
    }

    public Task<IReadOnlyList<LedgerEntry>> ListLedgerAsync(string consumerId, long? beforeSequence, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(consumerId);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxLimit);
        return database.ReadAsync<IReadOnlyList<LedgerEntry>>(
            async connection =>
            {
                var before = beforeSequence is null ? string.Empty : " AND sequence < @before";
                await using var command = database.Command(connection, null,
                    $"SELECT {EntryColumns} FROM prepaid_ledger WHERE consumer = @consumer{before} ORDER BY sequence DESC LIMIT @limit")
                    .With("consumer", consumerId).With("limit", limit);
                if (beforeSequence is { } sequence)
                {
                    command.With("before", sequence);
                }

                var entries = new List<LedgerEntry>();
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    entries.Add(ReadEntry(reader));
                }

                return entries;
            },
            cancellationToken);
    }

    public async Task<AdjustmentRequest?> CreateAdjustmentRequestAsync(AdjustmentRequestDraft draft, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        CheckConsumer(draft.ConsumerId);
        CheckText(draft.Reason, nameof(draft));
        CheckText(draft.IdempotencyKey, nameof(draft));
        CheckText(draft.RequestedBy, nameof(draft));
        CheckAmount(draft.Amount);
        return await database.WriteAsync(
            async (connection, transaction) =>
            {
                await using var insert = database.Command(connection, transaction,
                    "INSERT INTO prepaid_adjustment_requests (consumer, amount, reason, idempotency_key, requested_by, requested_at, expires_at, state) " +
                    $"VALUES (@consumer, @amount, @reason, @key, @by, @at, @expires, @state) ON CONFLICT DO NOTHING RETURNING {RequestColumns}")
                    .With("consumer", draft.ConsumerId).With("amount", draft.Amount).With("reason", draft.Reason).With("key", draft.IdempotencyKey)
                    .With("by", draft.RequestedBy).With("at", database.TimeOf(draft.RequestedAt)).With("expires", database.TimeOf(draft.ExpiresAt))
                    .With("state", (int)AdjustmentRequestState.Pending);
                await using var reader = await insert.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadRequest(reader) : null;
            },
            cancellationToken).ConfigureAwait(false);
    }

    public Task<AdjustmentRequest?> GetAdjustmentRequestAsync(AdjustmentRequestId id, CancellationToken cancellationToken = default) =>
        QueryRequestAsync($"SELECT {RequestColumns} FROM prepaid_adjustment_requests WHERE id = @id", command => command.With("id", id.Value), cancellationToken);

    public Task<AdjustmentRequest?> FindAdjustmentRequestAsync(string consumerId, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(consumerId);
        ArgumentNullException.ThrowIfNull(idempotencyKey);
        return QueryRequestAsync($"SELECT {RequestColumns} FROM prepaid_adjustment_requests WHERE consumer = @consumer AND idempotency_key = @key",
            command => command.With("consumer", consumerId).With("key", idempotencyKey), cancellationToken);
    }

    public async Task<bool> DecideAdjustmentRequestAsync(AdjustmentRequestId id, AdjustmentRequestState next, string decidedBy, DateTimeOffset at, long? ledgerSequence, CancellationToken cancellationToken = default)
    {
        CheckText(decidedBy, nameof(decidedBy));
        if (next == AdjustmentRequestState.Pending)
        {
            throw new ArgumentOutOfRangeException(nameof(next), next, "A decision moves a request out of Pending.");
        }

        var updated = await database.WriteAsync(
            async (connection, transaction) =>
            {
                await using var update = database.Command(connection, transaction,
                    "UPDATE prepaid_adjustment_requests SET state = @next, decided_by = @by, decided_at = @at, ledger_sequence = @sequence WHERE id = @id AND state = @pending")
                    .With("next", (int)next).With("by", decidedBy).With("at", database.TimeOf(at)).With("sequence", ledgerSequence)
                    .With("id", id.Value).With("pending", (int)AdjustmentRequestState.Pending);
                return await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);
        return updated == 1;
    }

    public Task<IReadOnlyList<AdjustmentRequest>> ListAdjustmentRequestsAsync(AdjustmentRequestState? state, string? consumerId, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxLimit);
        var where = new List<string>();
        if (state is not null)
        {
            where.Add("state = @state");
        }

        if (consumerId is not null)
        {
            where.Add("consumer = @consumer");
        }

        var sql = $"SELECT {RequestColumns} FROM prepaid_adjustment_requests" + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : string.Empty) + " ORDER BY id DESC LIMIT @limit";
        return QueryRequestsAsync(sql, command =>
        {
            command.With("limit", limit);
            if (state is { } s)
            {
                command.With("state", (int)s);
            }

            if (consumerId is not null)
            {
                command.With("consumer", consumerId);
            }
        }, cancellationToken);
    }

    public Task<IReadOnlyList<AdjustmentRequest>> ListOverdueAdjustmentRequestsAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxLimit);
        return QueryRequestsAsync(
            $"SELECT {RequestColumns} FROM prepaid_adjustment_requests WHERE state = @pending AND expires_at <= @now ORDER BY id LIMIT @limit",
            command => command.With("pending", (int)AdjustmentRequestState.Pending).With("now", database.TimeOf(now)).With("limit", limit),
            cancellationToken);
    }

    private Task<IReadOnlyList<AdjustmentRequest>> QueryRequestsAsync(string sql, Action<DbCommand> bind, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<AdjustmentRequest>>(
            async connection =>
            {
                await using var command = database.Command(connection, null, sql);
                bind(command);
                var requests = new List<AdjustmentRequest>();
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    requests.Add(ReadRequest(reader));
                }

                return requests;
            },
            cancellationToken);

    private Task<AdjustmentRequest?> QueryRequestAsync(string sql, Action<DbCommand> bind, CancellationToken cancellationToken) =>
        database.ReadAsync(
            async connection =>
            {
                await using var command = database.Command(connection, null, sql);
                bind(command);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadRequest(reader) : null;
            },
            cancellationToken);

    private AdjustmentRequest ReadRequest(DbDataReader reader) => new(
        new AdjustmentRequestId(reader.GetInt64(0)),
        reader.GetString(1),
        reader.GetDecimal(2),
        reader.GetString(3),
        reader.GetString(4),
        reader.GetString(5),
        database.ReadTime(reader, 6),
        database.ReadTime(reader, 7),
        (AdjustmentRequestState)Convert.ToInt32(reader.GetValue(8), System.Globalization.CultureInfo.InvariantCulture),
        reader.IsDBNull(9) ? null : reader.GetString(9),
        database.ReadTimeOrNull(reader, 10),
        reader.IsDBNull(11) ? null : reader.GetInt64(11));

    private async Task<PrepaidAccount?> GetAsync(DbConnection connection, DbTransaction? transaction, string consumerId, bool forUpdate, CancellationToken cancellationToken)
    {
        var lockRow = forUpdate && database.Engine == StorageEngine.PostgreSql ? " FOR UPDATE" : string.Empty;
        await using var command = database.Command(connection, transaction, $"SELECT {AccountColumns} FROM prepaid_accounts WHERE consumer = @consumer{lockRow}")
            .With("consumer", consumerId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadAccount(reader) : null;
    }

    private async Task<LedgerEntry?> FindAsync(DbConnection connection, DbTransaction? transaction, string consumerId, string key, CancellationToken cancellationToken)
    {
        await using var command = database.Command(connection, transaction, $"SELECT {EntryColumns} FROM prepaid_ledger WHERE consumer = @consumer AND idempotency_key = @key")
            .With("consumer", consumerId).With("key", key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadEntry(reader) : null;
    }

    private async Task<decimal> MonthChargedAsync(DbConnection connection, DbTransaction? transaction, string consumerId, string month, CancellationToken cancellationToken)
    {
        await using var command = database.Command(connection, transaction,
            "SELECT month_charged FROM prepaid_ledger WHERE consumer = @consumer AND month = @month ORDER BY sequence DESC LIMIT 1")
            .With("consumer", consumerId).With("month", month);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? reader.GetDecimal(0) : 0m;
    }

    private PrepaidAccount ReadAccount(DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetDecimal(2),
        reader.GetInt64(3),
        reader.GetBoolean(4),
        Enum.Parse<PrepaidSupply>(reader.GetString(5)),
        database.ReadTimeOrNull(reader, 6),
        reader.GetInt64(7),
        reader.IsDBNull(8) ? null : reader.GetDecimal(8),
        database.ReadTimeOrNull(reader, 9),
        database.ReadTime(reader, 10),
        reader.GetString(11));

    private LedgerEntry ReadEntry(DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetInt64(1),
        Enum.Parse<LedgerEntryKind>(reader.GetString(2)),
        reader.GetDecimal(3),
        reader.GetDecimal(4),
        database.ReadTime(reader, 5),
        reader.GetString(6),
        reader.GetString(7),
        reader.IsDBNull(8) ? null : reader.GetString(8),
        reader.IsDBNull(9) ? null : reader.GetDecimal(9),
        reader.IsDBNull(10) ? null : reader.GetString(10));

    private static void CheckConsumer(string consumerId)
    {
        ArgumentNullException.ThrowIfNull(consumerId);
        if (consumerId.Length is 0 or > PrepaidAccount.MaxConsumerLength)
        {
            throw new ArgumentException($"A consumer id is 1 to {PrepaidAccount.MaxConsumerLength} characters.", nameof(consumerId));
        }
    }

    private static void CheckText(string text, string name)
    {
        ArgumentNullException.ThrowIfNull(text, name);
        if (text.Length is 0 or > MaxTextLength)
        {
            throw new ArgumentException($"Text is 1 to {MaxTextLength} characters.", name);
        }
    }

    private static void CheckAmount(decimal amount)
    {
        if (decimal.Round(amount, Tariff.Decimals) != amount || Math.Abs(amount) >= 1_000_000_000_000m)
        {
            throw new ArgumentOutOfRangeException(nameof(amount), amount, $"An amount has at most {Tariff.Decimals} decimal places and 12 integer digits.");
        }
    }

    private static DateTimeOffset Truncate(DateTimeOffset time) =>
        new(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerMicrosecond), TimeSpan.Zero);
}
