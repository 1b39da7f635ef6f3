using System.Globalization;

namespace Meterline.HeadEnd.Billing;

/// <summary>
/// Prices a month's maximum demand on a version's <see cref="DemandCharge"/> (a part of <see cref="TariffCalculator"/>):
/// billed demand = the higher of the recorded maximum demand and the floor (<c>minimumPercentOfSanctioned</c> % of the
/// sanctioned load), charged at <c>ratePerKw</c>; the recorded demand above the sanctioned load is charged again at
/// <c>excessRatePerKw</c>. Without a recorded demand (no snapshot register and no interval data) the recorded demand is
/// 0 kW, so only the floor is billed. kW to three decimals, amounts rounded by the version's rule.
/// </summary>
public static class DemandChargeCalculator
{
    /// <summary>The demand lines and their sum, with what was recorded and billed; no lines and null without a demand charge.</summary>
    public static (IReadOnlyList<BillLine> Lines, decimal Amount, BillDemand? Demand) Price(TariffVersion version, MaximumDemand? recorded, decimal? sanctionedLoadKw)
    {
        ArgumentNullException.ThrowIfNull(version);
        if (version.Demand is not { } charge)
        {
            return ([], 0m, null);
        }

        var recordedKw = recorded?.Kw ?? 0m;
        var floor = charge.MinimumPercentOfSanctioned is { } percent && sanctionedLoadKw is { } sanctioned
            ? Math.Round(sanctioned * percent / 100m, Consumption.KwhDecimals, MidpointRounding.ToEven)
            : 0m;
        var billedKw = Math.Max(recordedKw, floor);
        var when = recorded?.At is { } at ? string.Create(CultureInfo.InvariantCulture, $" at {at.UtcDateTime:yyyy-MM-dd HH:mm} UTC") : string.Empty;
        var basis = billedKw > recordedKw
            ? $"{Kw(charge.MinimumPercentOfSanctioned!.Value)} % of {Kw(sanctionedLoadKw!.Value)} kW sanctioned load, above the recorded {Kw(recordedKw)} kW{when}"
            : recorded is null ? "no demand recorded" : $"recorded maximum demand {Kw(recordedKw)} kW{when}";
        var lines = new List<BillLine>
        {
            new(BillLineKind.Demand, $"Demand charge, billed demand ({basis})", billedKw, "kW", charge.RatePerKw, TariffCalculator.Round(billedKw * charge.RatePerKw, version)),
        };

        var excessKw = 0m;
        if (charge.ExcessRatePerKw is { } excessRate && sanctionedLoadKw is { } load && recordedKw > load)
        {
            excessKw = recordedKw - load;
            lines.Add(new BillLine(BillLineKind.ExcessDemand, $"Excess demand above {Kw(load)} kW sanctioned load", excessKw, "kW", excessRate, TariffCalculator.Round(excessKw * excessRate, version)));
        }

        return (lines, lines.Sum(l => l.Amount), new BillDemand(recordedKw, recorded?.At, recorded?.Source ?? DemandSource.IntervalData, recorded?.IntegrationMinutes, billedKw, sanctionedLoadKw, excessKw));
    }

    private static string Kw(decimal value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
