using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Billing;

/// <summary>Storage of issued bills. A bill is written once and never updated; (meter, month, revision) and the number are unique.</summary>
public interface IBillStore
{
    /// <summary>Stores a new bill durably; false (nothing changed) when its number or its (meter, month, revision) is taken.</summary>
    Task<bool> AddAsync(Bill bill, CancellationToken cancellationToken = default);

    Task<Bill?> GetAsync(string number, CancellationToken cancellationToken = default);

    /// <summary>The latest revision of a meter's bill for a month, or null if none was issued.</summary>
    Task<Bill?> GetLatestAsync(MeterId meter, BillingMonth month, CancellationToken cancellationToken = default);

    /// <summary>A meter's bills, newest month first and within a month newest revision first, at most <paramref name="limit"/> (1 to 1,000).</summary>
    Task<IReadOnlyList<Bill>> ListAsync(MeterId meter, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// A month's bills of every meter (every revision) in bill-number order, those after <paramref name="afterNumber"/>
    /// (null: from the first), at most <paramref name="limit"/> (1 to 1,000): page on with the last number returned.
    /// </summary>
    Task<IReadOnlyList<Bill>> ListMonthAsync(BillingMonth month, string? afterNumber, int limit, CancellationToken cancellationToken = default);
}
