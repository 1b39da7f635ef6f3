using Meterline.HeadEnd.Billing;

namespace Meterline.Web.Portal;

/// <summary>
/// What a meter's consumption of a month costs so far, priced as its bill would price it
/// (<see cref="TariffCalculator.PriceMonthToDate"/> on the month's intervals up to <paramref name="To"/>).
/// </summary>
/// <param name="Month">The billing month: the one holding the meter's newest interval.</param>
/// <param name="To">The end of the newest interval priced.</param>
/// <param name="TariffName">The tariff priced with, by name.</param>
/// <param name="Currency">ISO 4217 code.</param>
/// <param name="Kwh">Energy imported in the month so far.</param>
/// <param name="Total">The charges so far, taxes included (fixed charges in full, as on the bill).</param>
public sealed record CostSoFar(BillingMonth Month, DateTimeOffset To, string TariffName, string Currency, decimal Kwh, decimal Total);
