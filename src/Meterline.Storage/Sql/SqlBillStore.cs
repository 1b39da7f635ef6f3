using System.Data.Common;
using Meterline.HeadEnd.Billing;
using Meterline.HeadEnd.Meters;

namespace Meterline.Storage.Sql;

/// <summary>Issued bills on either engine: one row per bill, inserted once (ON CONFLICT DO NOTHING), never updated.</summary>
internal sealed class SqlBillStore(SqlDatabase database) : IBillStore
{
    public const int MaxLimit = 1_000;

    public async Task<bool> AddAsync(Bill bill, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bill);
        if (bill.Number.Length is 0 or > Bill.MaxNumberLength || bill.Revision < 1)
        {
            throw new ArgumentException($"A bill has a number of 1 to {Bill.MaxNumberLength} characters and a revision from 1.", nameof(bill));
        }

        var document = BillJson.Serialize(bill);
        try
        {
            var inserted = await database.WriteAsync(
                async (connection, transaction) =>
                {
                    await using var insert = database.Command(
                        connection,
                        transaction,
                        "INSERT INTO bills (number, meter, month, revision, issued_at, total, estimated, document) " +
                        "VALUES (@number, @meter, @month, @revision, @issued_at, @total, @estimated, @document) ON CONFLICT DO NOTHING")
                        .With("number", bill.Number).With("meter", bill.Meter.Value).With("month", bill.Month.ToString()).With("revision", bill.Revision)
                        .With("issued_at", database.TimeOf(bill.IssuedAt)).With("total", bill.Total).With("estimated", bill.Estimated).With("document", document);
                    return await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                },
                cancellationToken).ConfigureAwait(false);
            return inserted == 1;
        }
        catch (DbException e) when (database.Classify(e).Kind == ConstraintKind.ForeignKey)
        {
            throw new KeyNotFoundException($"No meter {bill.Meter}.", e);
        }
    }

    public async Task<Bill?> GetAsync(string number, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(number);
        if (number.Length is 0 or > Bill.MaxNumberLength)
        {
            return null;
        }

        var found = await QueryAsync("SELECT document FROM bills WHERE number = @number", c => c.With("number", number), cancellationToken).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    public async Task<Bill?> GetLatestAsync(MeterId meter, BillingMonth month, CancellationToken cancellationToken = default)
    {
        var found = await QueryAsync(
            "SELECT document FROM bills WHERE meter = @meter AND month = @month ORDER BY revision DESC LIMIT 1",
            c => c.With("meter", meter.Value).With("month", month.ToString()),
            cancellationToken).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    public Task<IReadOnlyList<Bill>> ListAsync(MeterId meter, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxLimit);
        return QueryAsync(
            "SELECT document FROM bills WHERE meter = @meter ORDER BY month DESC, revision DESC LIMIT @limit",
            c => c.With("meter", meter.Value).With("limit", limit),
            cancellationToken);
    }

    public Task<IReadOnlyList<Bill>> ListMonthAsync(BillingMonth month, string? afterNumber, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxLimit);

        // Paged by number: ORDER BY and > compare under the same collation on either engine, so pages neither skip nor repeat.
        return QueryAsync(
            "SELECT document FROM bills WHERE month = @month AND number > @after ORDER BY number LIMIT @limit",
            c => c.With("month", month.ToString()).With("after", afterNumber ?? string.Empty).With("limit", limit),
            cancellationToken);
    }

    private Task<IReadOnlyList<Bill>> QueryAsync(string sql, Action<DbCommand> parameters, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<Bill>>(
            async connection =>
            {
                await using var command = database.Command(connection, null, sql);
                parameters(command);
                var bills = new List<Bill>();
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    bills.Add(BillJson.Deserialize(reader.GetString(0)));
                }

                return bills;
            },
            cancellationToken);
}
