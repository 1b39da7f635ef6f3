using System.Globalization;

namespace Meterline.HeadEnd.Billing;

/// <summary>
/// Export under a version's <see cref="NetMetering"/> (a part of <see cref="TariffCalculator"/>; docs/billing.md):
/// <list type="bullet">
/// <item><see cref="NetMeteringMode.Net"/>: each time-of-use zone's import is netted against the export in the same
/// zone, and the time outside every zone against the export outside them; a zone's surplus does not offset another
/// zone. Without zone figures for the export (no block export), the totals are netted and each zone's import is reduced
/// in proportion. The surplus carried in from last month then reduces the net (every zone in proportion). With
/// <c>carryForward</c> the unused carry-in plus this month's surplus is carried to the next month, else it lapses.</item>
/// <item><see cref="NetMeteringMode.Credit"/>: the export × <c>creditRatePerKwh</c>, as a negative line, at most the
/// month's energy charge (what is left is not paid out).</item>
/// </list>
/// </summary>
public static class NetMeteringCalculator
{
    /// <summary>The consumption the slabs and zones are priced on: netted in net mode, else as given.</summary>
    public static (Consumption Billed, BillNetMetering? NetMetering) Net(TariffVersion version, Consumption consumption)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(consumption);
        if (version.NetMetering is not { Mode: NetMeteringMode.Net } netMetering)
        {
            return (consumption, null);
        }

        var export = consumption.Export ?? new ExportEnergy(0m, new Dictionary<int, decimal>(), true, 0m);
        var import = consumption.TotalKwh;
        var zones = new Dictionary<int, decimal>();
        decimal net;
        decimal surplus;
        if (export.ZonesKnown)
        {
            net = 0m;
            surplus = 0m;
            foreach (var (register, kwh) in consumption.ZoneKwh)
            {
                var exported = export.InZone(register);
                zones[register] = Math.Max(0m, kwh - exported);
                net += zones[register];
                surplus += Math.Max(0m, exported - kwh);
            }

            var outsideImport = Math.Max(0m, import - consumption.ZoneKwh.Values.Sum());
            var outsideExport = Math.Max(0m, export.TotalKwh - consumption.ZoneKwh.Keys.Sum(export.InZone));
            net += Math.Max(0m, outsideImport - outsideExport);
            surplus += Math.Max(0m, outsideExport - outsideImport);
        }
        else
        {
            net = Math.Max(0m, import - export.TotalKwh);
            surplus = Math.Max(0m, export.TotalKwh - import);
            foreach (var (register, kwh) in consumption.ZoneKwh)
            {
                zones[register] = import > 0m ? Kwh(kwh * net / import) : 0m;
            }
        }

        var used = Math.Min(export.CarriedInKwh, net);
        if (used > 0m)
        {
            foreach (var register in zones.Keys.ToList())
            {
                zones[register] = Kwh(zones[register] * (net - used) / net);
            }

            net -= used;
        }

        var left = export.CarriedInKwh - used + surplus;
        var billed = new Consumption(net, zones) { Demand = consumption.Demand, Export = consumption.Export };
        return (billed, new BillNetMetering(NetMeteringMode.Net, import, export.TotalKwh, export.CarriedInKwh, net,
            netMetering.CarryForward ? left : 0m, netMetering.CarryForward ? 0m : left));
    }

    /// <summary>The export credit line (credit mode, with export), its amount (≤ 0) and the export figures; nothing otherwise.</summary>
    public static (BillLine? Line, decimal Amount, BillNetMetering? NetMetering) Credit(TariffVersion version, Consumption consumption, decimal energyCharge)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(consumption);
        if (version.NetMetering is not { Mode: NetMeteringMode.Credit, CreditRatePerKwh: { } rate })
        {
            return (null, 0m, null);
        }

        var exported = consumption.Export?.TotalKwh ?? 0m;
        var figures = new BillNetMetering(NetMeteringMode.Credit, consumption.TotalKwh, exported, 0m, consumption.TotalKwh, 0m, 0m);
        if (exported <= 0m)
        {
            return (null, 0m, figures);
        }

        var full = TariffCalculator.Round(exported * rate, version);
        var amount = Math.Min(full, Math.Max(0m, energyCharge));
        var capped = amount < full ? string.Create(CultureInfo.InvariantCulture, $", limited to the energy charge of {energyCharge:0.00}") : string.Empty;
        return (new BillLine(BillLineKind.ExportCredit, $"Export credit{capped}", exported, "kWh", rate, -amount), -amount, figures);
    }

    private static decimal Kwh(decimal value) => Math.Round(value, Consumption.KwhDecimals, MidpointRounding.ToEven);
}
