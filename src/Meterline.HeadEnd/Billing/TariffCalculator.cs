using System.Globalization;

namespace Meterline.HeadEnd.Billing;

/// <summary>
/// Prices a month's consumption on a tariff version — a pure function of (tariff version, consumption, sanctioned
/// load), in decimal arithmetic only, so that a prepaid balance can price consumption the same way. Every line is
/// rounded to the currency's two decimal places by the version's rounding rule (half-even unless it says
/// half-away-from-zero) and the sums are sums of rounded lines:
/// <list type="number">
/// <item>each slab: kWh in the slab × its rate (telescopic: each slab at its own rate);</item>
/// <item>each time-of-use zone with consumption: <c>percent</c>: slab charge × zone kWh ÷ total kWh × percent ÷ 100;
/// <c>ratePerKwh</c>: zone kWh × rate;</item>
/// <item>the fixed charge: monthly + per sanctioned kW × the consumer's sanctioned load (0 kW when not given);</item>
/// <item>taxes: a percentage of the energy charge (slabs + zones) or of the subtotal (energy + demand + fixed − export
/// credit), or a rate per kWh.</item>
/// </list>
/// A version that meters export nets it first (<see cref="NetMeteringCalculator.Net"/>: slabs and zones are priced on
/// the net) or credits it after the fixed charge (<see cref="NetMeteringCalculator.Credit"/>); a demand charge
/// (<see cref="DemandChargeCalculator"/>) comes after the energy charge.
/// </summary>
public static class TariffCalculator
{
    /// <summary>Prices <paramref name="consumption"/> with the version in force in <paramref name="month"/>; null if the tariff had none then.</summary>
    public static BillCharges? Price(Tariff tariff, BillingMonth month, Consumption consumption, decimal? sanctionedLoadKw)
    {
        ArgumentNullException.ThrowIfNull(tariff);
        return tariff.VersionFor(month) is { } version ? Price(version, consumption, sanctionedLoadKw) : null;
    }

    public static BillCharges Price(TariffVersion version, Consumption consumption, decimal? sanctionedLoadKw)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(consumption);
        if (consumption.TotalKwh < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(consumption), "Consumption is not negative.");
        }

        (consumption, var netMetering) = NetMeteringCalculator.Net(version, consumption);
        var lines = new List<BillLine>();
        var total = consumption.TotalKwh;
        var slabCharge = 0m;
        foreach (var slab in version.Slabs)
        {
            var upper = slab.ToKwh is { } to ? Math.Min(total, to) : total;
            var kwh = upper - slab.FromKwh;
            if (kwh <= 0)
            {
                break;
            }

            var amount = Round(kwh * slab.Rate, version);
            slabCharge += amount;
            var range = slab.ToKwh is { } end ? $"{Kwh(slab.FromKwh)}–{Kwh(end)} kWh" : $"above {Kwh(slab.FromKwh)} kWh";
            lines.Add(new BillLine(BillLineKind.Energy, $"Energy {range}", kwh, "kWh", slab.Rate, amount));
        }

        var zoneCharge = 0m;
        foreach (var zone in version.Zones)
        {
            var kwh = consumption.InZone(zone.Register);
            if (kwh <= 0 || total <= 0)
            {
                continue;
            }

            BillLine line = zone.Kind switch
            {
                TouAdjustmentKind.Percent => new BillLine(BillLineKind.TimeOfUse, $"Time of use, {zone.Name} ({Kwh(kwh)} kWh)", Round(slabCharge * kwh / total, version), "share of energy charge", zone.Adjustment, Round(slabCharge * kwh * zone.Adjustment / (total * 100m), version)),
                _ => new BillLine(BillLineKind.TimeOfUse, $"Time of use, {zone.Name}", kwh, "kWh", zone.Adjustment, Round(kwh * zone.Adjustment, version)),
            };
            zoneCharge += line.Amount;
            lines.Add(line);
        }

        var energyCharge = slabCharge + zoneCharge;
        var (demandLines, demandCharge, demand) = DemandChargeCalculator.Price(version, consumption.Demand, sanctionedLoadKw);
        lines.AddRange(demandLines);
        var load = sanctionedLoadKw ?? 0m;
        var fixedCharge = Round(version.FixedCharge.Monthly + (version.FixedCharge.PerSanctionedKw * load), version);
        if (fixedCharge != 0m)
        {
            var description = version.FixedCharge.PerSanctionedKw != 0m ? $"Fixed charge ({Kwh(load)} kW sanctioned load)" : "Fixed charge";
            lines.Add(new BillLine(BillLineKind.Fixed, description, version.FixedCharge.PerSanctionedKw != 0m ? load : null, version.FixedCharge.PerSanctionedKw != 0m ? "kW" : null, version.FixedCharge.PerSanctionedKw != 0m ? version.FixedCharge.PerSanctionedKw : null, fixedCharge));
        }

        var (creditLine, exportCredit, credited) = NetMeteringCalculator.Credit(version, consumption, energyCharge);
        if (creditLine is not null)
        {
            lines.Add(creditLine);
        }

        var subtotal = energyCharge + demandCharge + fixedCharge + exportCredit;
        var taxes = 0m;
        foreach (var tax in version.Taxes)
        {
            var line = tax.Base switch
            {
                TaxBase.EnergyCharge => new BillLine(BillLineKind.Tax, tax.Name, energyCharge, "energy charge", tax.Value, Round(energyCharge * tax.Value / 100m, version)),
                TaxBase.Subtotal => new BillLine(BillLineKind.Tax, tax.Name, subtotal, "subtotal", tax.Value, Round(subtotal * tax.Value / 100m, version)),
                _ => new BillLine(BillLineKind.Tax, tax.Name, total, "kWh", tax.Value, Round(total * tax.Value, version)),
            };
            taxes += line.Amount;
            lines.Add(line);
        }

        return new BillCharges(lines, energyCharge, fixedCharge, subtotal, taxes, subtotal + taxes)
        {
            DemandCharge = demandCharge,
            ExportCredit = exportCredit,
            Demand = demand,
            NetMetering = netMetering ?? credited,
        };
    }

    /// <summary>
    /// The running charge of a month so far (prepaid, docs/prepaid.md): the month-to-date consumption priced as a whole
    /// month — the slabs applied to the month-to-date energy (so a slab boundary is crossed mid-month exactly when the
    /// month's energy crosses it), the time-of-use lines on the zones' energy so far, and the whole fixed charge from
    /// the month's start (not pro rata: it is owed for the month once the month has any consumption data). Taxes follow
    /// their bases. When the month ends with the data the bill is made from, this is the bill's total.
    /// </summary>
    public static BillCharges PriceMonthToDate(TariffVersion version, Consumption monthToDate, decimal? sanctionedLoadKw) =>
        Price(version, monthToDate, sanctionedLoadKw);

    /// <summary>An amount rounded to the currency's decimal places by the version's rule.</summary>
    public static decimal Round(decimal amount, TariffVersion version)
    {
        ArgumentNullException.ThrowIfNull(version);
        return Math.Round(amount, Tariff.Decimals, version.Rounding);
    }

    private static string Kwh(decimal value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
