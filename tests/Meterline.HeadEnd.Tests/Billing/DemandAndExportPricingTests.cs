using Meterline.HeadEnd.Billing;

namespace Meterline.HeadEnd.Tests.Billing;

/// <summary>Demand charges and export (credit and net metering) priced against hand-worked bills.</summary>
public sealed class DemandAndExportPricingTests
{
    // Commercial: every kWh at 8.00; demand 150.00 per kW of billed demand, billed at least 75 % of the sanctioned
    // load, and 300.00 per kW of recorded demand above it; tax 5 % of the subtotal.
    private static readonly TariffVersion Commercial = new(
        new DateOnly(2026, 1, 1), [new EnergySlab(0m, null, 8.00m)], [], FixedCharge.None,
        [new TaxRule("Duty", TaxBase.Subtotal, 5m)], MidpointRounding.ToEven)
    {
        Demand = new DemandCharge(150.00m, 75m, 300.00m, 30),
    };

    // 0–100 kWh at 3.00, 100–200 at 4.50, above 200 at 6.00; peak +20 % of its share, off-peak −0.50/kWh.
    private static readonly TariffVersion Domestic = new(
        new DateOnly(2026, 1, 1),
        [new EnergySlab(0m, 100m, 3.00m), new EnergySlab(100m, 200m, 4.50m), new EnergySlab(200m, null, 6.00m)],
        [], FixedCharge.None, [], MidpointRounding.ToEven);

    private static readonly TouZone[] Zones =
    [
        new("peak", 2, [new TouWindow(18 * 60, 22 * 60)], TouAdjustmentKind.Percent, 20m),
        new("off-peak", 3, [new TouWindow(22 * 60, 6 * 60)], TouAdjustmentKind.RatePerKwh, -0.50m),
    ];

    private static readonly DateTimeOffset PeakAt = new(2026, 3, 14, 14, 0, 0, TimeSpan.Zero);

    private static Consumption WithDemand(decimal kwh, decimal kw) =>
        Consumption.Of(kwh) with { Demand = new MaximumDemand(kw, PeakAt, DemandSource.BillingSnapshot, null) };

    private static ExportEnergy Export(decimal kwh, decimal carriedIn = 0m, bool zonesKnown = true) =>
        new(kwh, new Dictionary<int, decimal>(), zonesKnown, carriedIn);

    [Fact]
    public void Price_DemandBelowTheFloor_BilledAtThePercentOfSanctionedLoad()
    {
        // 1000 kWh × 8.00 = 8000.00; MD 6.2 kW < 75 % of 10 kW = 7.5 kW → 7.5 × 150.00 = 1125.00; no excess;
        // subtotal 9125.00; duty 5 % = 456.25; total 9581.25.
        var charges = TariffCalculator.Price(Commercial, WithDemand(1000m, 6.2m), 10m);

        var demand = Assert.Single(charges.Lines, l => l.Kind == BillLineKind.Demand);
        Assert.Equal((7.5m, "kW", 150.00m, 1125.00m), (demand.Quantity!.Value, demand.Unit, demand.Rate!.Value, demand.Amount));
        Assert.DoesNotContain(charges.Lines, l => l.Kind == BillLineKind.ExcessDemand);
        Assert.Contains("6.2 kW", demand.Description, StringComparison.Ordinal);
        Assert.Equal((6.2m, 7.5m, 0m, PeakAt), (charges.Demand!.RecordedKw, charges.Demand.BilledKw, charges.Demand.ExcessKw, charges.Demand.RecordedAt!.Value));
        Assert.Equal((8000.00m, 1125.00m, 9125.00m, 456.25m, 9581.25m), (charges.EnergyCharge, charges.DemandCharge, charges.Subtotal, charges.Taxes, charges.Total));
    }

    [Fact]
    public void Price_DemandExactlyAtSanctionedLoad_NoExcessLine()
    {
        // MD 10 kW = sanctioned: 10 × 150.00 = 1500.00, nothing above it.
        var charges = TariffCalculator.Price(Commercial, WithDemand(1000m, 10m), 10m);

        Assert.Equal([BillLineKind.Energy, BillLineKind.Demand, BillLineKind.Tax], charges.Lines.Select(l => l.Kind));
        Assert.Equal(1500.00m, charges.DemandCharge);
        Assert.Equal((10m, 10m, 0m), (charges.Demand!.RecordedKw, charges.Demand.BilledKw, charges.Demand.ExcessKw));
    }

    [Fact]
    public void Price_DemandAboveSanctionedLoad_BilledAsRecordedPlusTheExcessPenalty()
    {
        // MD 12.4 kW: 12.4 × 150.00 = 1860.00; excess 2.4 kW × 300.00 = 720.00 → demand 2580.00;
        // subtotal 8000.00 + 2580.00 = 10580.00; duty 529.00; total 11109.00.
        var charges = TariffCalculator.Price(Commercial, WithDemand(1000m, 12.4m), 10m);

        Assert.Equal([8000.00m, 1860.00m, 720.00m, 529.00m], charges.Lines.Select(l => l.Amount));
        var excess = Assert.Single(charges.Lines, l => l.Kind == BillLineKind.ExcessDemand);
        Assert.Equal((2.4m, 300.00m), (excess.Quantity!.Value, excess.Rate!.Value));
        Assert.Equal((2580.00m, 10580.00m, 11109.00m), (charges.DemandCharge, charges.Subtotal, charges.Total));
    }

    [Fact]
    public void Price_DemandWithoutSanctionedLoad_BilledAsRecordedWithoutFloorOrPenalty()
    {
        // 6.2 kW × 150.00 = 930.00.
        var charges = TariffCalculator.Price(Commercial, WithDemand(1000m, 6.2m), null);

        Assert.Equal(930.00m, charges.DemandCharge);
        Assert.Equal(6.2m, charges.Demand!.BilledKw);
    }

    [Fact]
    public void Price_CreditMode_ExportCreditedAtItsRate()
    {
        // 250 kWh: 300.00 + 450.00 + 300.00 = 1050.00; 40 kWh exported × 2.00 = 80.00 credit → total 970.00.
        var version = Domestic with { NetMetering = new NetMetering(NetMeteringMode.Credit, 2.00m, false) };

        var charges = TariffCalculator.Price(version, Consumption.Of(250m) with { Export = Export(40m) }, null);

        var credit = Assert.Single(charges.Lines, l => l.Kind == BillLineKind.ExportCredit);
        Assert.Equal((40m, 2.00m, -80.00m), (credit.Quantity!.Value, credit.Rate!.Value, credit.Amount));
        Assert.Equal((1050.00m, -80.00m, 970.00m), (charges.EnergyCharge, charges.ExportCredit, charges.Total));
    }

    [Fact]
    public void Price_CreditModeExportOverImport_CreditLimitedToTheEnergyCharge()
    {
        // 10 kWh × 3.00 = 30.00; 100 kWh exported × 2.00 = 200.00, limited to 30.00 → total 0.00.
        var version = Domestic with { NetMetering = new NetMetering(NetMeteringMode.Credit, 2.00m, false) };

        var charges = TariffCalculator.Price(version, Consumption.Of(10m) with { Export = Export(100m) }, null);

        Assert.Equal((-30.00m, 0.00m), (charges.ExportCredit, charges.Total));
    }

    [Fact]
    public void Price_NetModeExportOverImport_NothingBilledAndTheSurplusCarriedThenUsedNextMonth()
    {
        // March: 120 kWh imported, 150 exported → net 0, nothing on the slabs, 30 kWh carried forward.
        var version = Domestic with { NetMetering = new NetMetering(NetMeteringMode.Net, null, true) };
        var march = TariffCalculator.Price(version, Consumption.Of(120m) with { Export = Export(150m) }, null);

        Assert.Equal(0.00m, march.Total);
        Assert.Empty(march.Lines);
        Assert.Equal((120m, 150m, 0m, 0m, 30m, 0m), Figures(march.NetMetering!));

        // April: 250 kWh imported, nothing exported, 30 carried in → 220 kWh: 300.00 + 450.00 + 20 × 6.00 = 870.00.
        var april = TariffCalculator.Price(version, Consumption.Of(250m) with { Export = Export(0m, carriedIn: 30m) }, null);

        Assert.Equal([300.00m, 450.00m, 120.00m], april.Lines.Select(l => l.Amount));
        Assert.Equal((250m, 0m, 30m, 220m, 0m, 0m), Figures(april.NetMetering!));
    }

    [Fact]
    public void Price_NetModeWithoutCarryForward_TheSurplusLapses()
    {
        var version = Domestic with { NetMetering = new NetMetering(NetMeteringMode.Net, null, false) };

        var charges = TariffCalculator.Price(version, Consumption.Of(120m) with { Export = Export(150m) }, null);

        Assert.Equal((0m, 30m), (charges.NetMetering!.CarriedOutKwh, charges.NetMetering.LapsedKwh));
    }

    [Fact]
    public void Price_NetModePerZone_DaytimeExportDoesNotOffsetPeakImport()
    {
        // 300 kWh imported: 100 peak, 80 off-peak, 120 outside the zones; 150 exported, all outside the zones (solar).
        // Outside: 120 − 150 → 0, surplus 30. Net 100 + 80 = 180: 300.00 + 80 × 4.50 = 660.00;
        // peak 660.00 × 100/180 × 20 % = 73.33; off-peak 80 × −0.50 = −40.00 → energy 693.33.
        var version = Domestic with { Zones = Zones, NetMetering = new NetMetering(NetMeteringMode.Net, null, true) };
        var consumption = new Consumption(300m, new Dictionary<int, decimal> { [2] = 100m, [3] = 80m }) { Export = Export(150m) };

        var charges = TariffCalculator.Price(version, consumption, null);

        Assert.Equal([300.00m, 360.00m, 73.33m, -40.00m], charges.Lines.Select(l => l.Amount));
        Assert.Equal(693.33m, charges.EnergyCharge);
        Assert.Equal((300m, 150m, 0m, 180m, 30m, 0m), Figures(charges.NetMetering!));
    }

    [Fact]
    public void Price_NetModeWithoutZoneExport_TotalsNettedAndZonesReducedInProportion()
    {
        // Same month, export known only in total: net 300 − 150 = 150; peak 100 × 150/300 = 50, off-peak 40.
        // 300.00 + 50 × 4.50 = 525.00; peak 525.00 × 50/150 × 20 % = 35.00; off-peak 40 × −0.50 = −20.00 → 540.00.
        var version = Domestic with { Zones = Zones, NetMetering = new NetMetering(NetMeteringMode.Net, null, true) };
        var consumption = new Consumption(300m, new Dictionary<int, decimal> { [2] = 100m, [3] = 80m }) { Export = Export(150m, zonesKnown: false) };

        var charges = TariffCalculator.Price(version, consumption, null);

        Assert.Equal([300.00m, 225.00m, 35.00m, -20.00m], charges.Lines.Select(l => l.Amount));
        Assert.Equal((150m, 0m), (charges.NetMetering!.NetKwh, charges.NetMetering.CarriedOutKwh));
    }

    private static (decimal Import, decimal Export, decimal CarriedIn, decimal Net, decimal CarriedOut, decimal Lapsed) Figures(BillNetMetering n) =>
        (n.ImportKwh, n.ExportKwh, n.CarriedInKwh, n.NetKwh, n.CarriedOutKwh, n.LapsedKwh);
}
