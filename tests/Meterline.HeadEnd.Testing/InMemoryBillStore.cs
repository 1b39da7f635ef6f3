using Meterline.HeadEnd.Billing;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Testing;

/// <summary>
/// Issued bills in memory, for unit tests: insert-once by number and by (meter, month, revision), each bill kept as
/// its stored JSON document (<see cref="BillJson"/>) like the SQL stores, so a test reads back what a store would.
/// </summary>
public sealed class InMemoryBillStore : IBillStore
{
    private readonly Lock _lock = new();
    private readonly List<(string Number, MeterId Meter, BillingMonth Month, int Revision, string Document)> _bills = [];

    /// <summary>How many bills are stored.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _bills.Count;
            }
        }
    }

    public Task<bool> AddAsync(Bill bill, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bill);
        lock (_lock)
        {
            if (_bills.Any(b => b.Number == bill.Number || (b.Meter == bill.Meter && b.Month == bill.Month && b.Revision == bill.Revision)))
            {
                return Task.FromResult(false);
            }

            _bills.Add((bill.Number, bill.Meter, bill.Month, bill.Revision, BillJson.Serialize(bill)));
            return Task.FromResult(true);
        }
    }

    public Task<Bill?> GetAsync(string number, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var found = _bills.FirstOrDefault(b => b.Number == number);
            return Task.FromResult(found.Document is null ? null : BillJson.Deserialize(found.Document));
        }
    }

    public Task<Bill?> GetLatestAsync(MeterId meter, BillingMonth month, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var found = _bills.Where(b => b.Meter == meter && b.Month == month).OrderByDescending(b => b.Revision).FirstOrDefault();
            return Task.FromResult(found.Document is null ? null : BillJson.Deserialize(found.Document));
        }
    }

    public Task<IReadOnlyList<Bill>> ListAsync(MeterId meter, int limit, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<Bill> list = [.. _bills.Where(b => b.Meter == meter).OrderByDescending(b => b.Month).ThenByDescending(b => b.Revision).Take(limit).Select(b => BillJson.Deserialize(b.Document))];
            return Task.FromResult(list);
        }
    }

    public Task<IReadOnlyList<Bill>> ListMonthAsync(BillingMonth month, string? afterNumber, int limit, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<Bill> list = [.. _bills.Where(b => b.Month == month && (afterNumber is null || string.CompareOrdinal(b.Number, afterNumber) > 0))
                .OrderBy(b => b.Number, StringComparer.Ordinal).Take(limit).Select(b => BillJson.Deserialize(b.Document))];
            return Task.FromResult(list);
        }
    }
}
