namespace Meterline.HeadEnd.Billing;

/// <summary>
/// A maximum-demand charge (docs/billing.md): <see cref="RatePerKw"/> per kW of the month's billed demand, where the
/// billed demand is the recorded maximum demand (active, 1.0.1.6.0.255) or, when higher,
/// <see cref="MinimumPercentOfSanctioned"/> % of the consumer's sanctioned load; and <see cref="ExcessRatePerKw"/> per kW
/// of recorded demand above the sanctioned load, as a penalty on top.
/// </summary>
/// <param name="RatePerKw">The charge per kW of billed demand.</param>
/// <param name="MinimumPercentOfSanctioned">The floor of the billed demand as a percentage (0 to 100) of the sanctioned load; null: no floor.</param>
/// <param name="ExcessRatePerKw">The penalty per kW of recorded demand above the sanctioned load; null: no penalty.</param>
/// <param name="IntegrationMinutes">The demand integration period (15 or 30 minutes) used when the demand is computed from interval data.</param>
public sealed record DemandCharge(decimal RatePerKw, decimal? MinimumPercentOfSanctioned, decimal? ExcessRatePerKw, int IntegrationMinutes)
{
    /// <summary>The integration period when the tariff gives none: 30 minutes (IS 15959).</summary>
    public const int DefaultIntegrationMinutes = 30;
}
