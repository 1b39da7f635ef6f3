using Meterline.Web.Portal;

namespace Meterline.Server.Portal;

/// <summary>A meter's cost so far in the month of its newest reading (<see cref="CostSoFar"/>).</summary>
public sealed record CostSoFarResponse(string Month, DateTimeOffset To, string Tariff, string Currency, decimal Kwh, decimal Total)
{
    public static CostSoFarResponse From(CostSoFar cost)
    {
        ArgumentNullException.ThrowIfNull(cost);
        return new(cost.Month.ToString(), cost.To, cost.TariffName, cost.Currency, cost.Kwh, cost.Total);
    }
}
