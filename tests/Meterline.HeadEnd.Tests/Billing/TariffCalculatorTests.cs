using Meterline.HeadEnd.Billing;

namespace Meterline.HeadEnd.Tests.Billing;

/// <summary>Pricing against hand-worked bills: slab boundaries, a time-of-use split, the fixed charge, taxes and their rounding.</summary>
public sealed class TariffCalculatorTests
{
    // 0–100 kWh at 3.00, 100–200 at 4.50, above 200 at 6.00; peak +20 % of its share, off-peak −0.50/kWh;
    // fixed 50.00 + 20.00 per sanctioned kW; duty 5 % of the energy charge; cess 0.10 per kWh.
    private static readonly TariffVersion Domestic = new(
        new DateOnly(2026, 1, 1),
        [new EnergySlab(0m, 100m, 3.00m), new EnergySlab(100m, 200m, 4.50m), new EnergySlab(200m, null, 6.00m)],
        [new TouZone("peak", 2, [new TouWindow(18 * 60, 22 * 60)], TouAdjustmentKind.Percent, 20m),
            new TouZone("off-peak", 3, [new TouWindow(22 * 60, 6 * 60)], TouAdjustmentKind.RatePerKwh, -0.50m)],
        new FixedCharge(50.00m, 20.00m),
        [new TaxRule("Electricity duty", TaxBase.EnergyCharge, 5m), new TaxRule("Green cess", TaxBase.PerKwh, 0.10m)],
        MidpointRounding.ToEven);

    private static readonly TariffVersion SlabsOnly = Domestic with { Zones = [], FixedCharge = FixedCharge.None, Taxes = [] };

    [Fact]
    public void Price_ExactlyAtTheFirstSlabBoundary_AllInTheFirstSlab()
    {
        // 100 kWh × 3.00 = 300.00; nothing in the second slab.
        var charges = TariffCalculator.Price(SlabsOnly, Consumption.Of(100m), null);

        var line = Assert.Single(charges.Lines);
        Assert.Equal(100m, line.Quantity);
        Assert.Equal(300.00m, line.Amount);
        Assert.Equal(300.00m, charges.Total);
    }

    [Fact]
    public void Price_OneWattHourAboveTheBoundary_SecondSlabAtItsOwnRate()
    {
        // 100 kWh × 3.00 = 300.00; 0.001 kWh × 4.50 = 0.0045 → 0.00 at two places.
        var charges = TariffCalculator.Price(SlabsOnly, Consumption.Of(100.001m), null);

        Assert.Equal(2, charges.Lines.Count);
        Assert.Equal((100m, 300.00m), (charges.Lines[0].Quantity!.Value, charges.Lines[0].Amount));
        Assert.Equal((0.001m, 4.50m, 0.00m), (charges.Lines[1].Quantity!.Value, charges.Lines[1].Rate!.Value, charges.Lines[1].Amount));
        Assert.Equal(300.00m, charges.Total);
    }

    [Fact]
    public void Price_IntoTheOpenSlab_EachSlabAtItsOwnRate()
    {
        // 100 × 3.00 + 100 × 4.50 + 50.5 × 6.00 = 300.00 + 450.00 + 303.00 = 1053.00.
        var charges = TariffCalculator.Price(SlabsOnly, Consumption.Of(250.5m), null);

        Assert.Equal([300.00m, 450.00m, 303.00m], charges.Lines.Select(l => l.Amount));
        Assert.Equal([100m, 100m, 50.5m], charges.Lines.Select(l => l.Quantity!.Value));
        Assert.Equal(1053.00m, charges.EnergyCharge);
        Assert.Equal(1053.00m, charges.Total);
    }

    [Fact]
    public void Price_WholeDomesticBill_MatchesTheHandWorkedBill()
    {
        // 250 kWh, of which 50 peak and 80 off-peak, 3 kW sanctioned:
        // slabs 300.00 + 450.00 + 300.00 = 1050.00
        // peak: 1050.00 × 50/250 × 20 % = 42.00; off-peak: 80 × −0.50 = −40.00 → energy charge 1052.00
        // fixed: 50.00 + 3 × 20.00 = 110.00 → subtotal 1162.00
        // duty 5 % of 1052.00 = 52.60; cess 250 × 0.10 = 25.00 → taxes 77.60 → total 1239.60
        var consumption = new Consumption(250m, new Dictionary<int, decimal> { [2] = 50m, [3] = 80m });

        var charges = TariffCalculator.Price(Domestic, consumption, 3m);

        Assert.Equal([300.00m, 450.00m, 300.00m, 42.00m, -40.00m, 110.00m, 52.60m, 25.00m], charges.Lines.Select(l => l.Amount));
        Assert.Equal(
            [BillLineKind.Energy, BillLineKind.Energy, BillLineKind.Energy, BillLineKind.TimeOfUse, BillLineKind.TimeOfUse, BillLineKind.Fixed, BillLineKind.Tax, BillLineKind.Tax],
            charges.Lines.Select(l => l.Kind));
        Assert.Equal(1052.00m, charges.EnergyCharge);
        Assert.Equal(110.00m, charges.FixedCharge);
        Assert.Equal(1162.00m, charges.Subtotal);
        Assert.Equal(77.60m, charges.Taxes);
        Assert.Equal(1239.60m, charges.Total);
    }

    [Fact]
    public void Price_NoSanctionedLoadGiven_MonthlyPartOfTheFixedChargeOnly()
    {
        var charges = TariffCalculator.Price(Domestic with { Zones = [], Taxes = [] }, Consumption.Of(10m), null);

        Assert.Equal(50.00m, charges.FixedCharge);
        Assert.Equal(80.00m, charges.Total);
    }

    [Theory]
    [InlineData(MidpointRounding.ToEven, "0.12")]
    [InlineData(MidpointRounding.AwayFromZero, "0.13")]
    public void Price_TaxExactlyAtAMidpoint_RoundedByTheTariffsRule(MidpointRounding rounding, string expected)
    {
        // 1 kWh × 2.50 = 2.50; 5 % of 2.50 = 0.125 → half-even 0.12, half-away-from-zero 0.13.
        var version = new TariffVersion(new DateOnly(2026, 1, 1), [new EnergySlab(0m, null, 2.50m)], [], FixedCharge.None,
            [new TaxRule("Duty", TaxBase.EnergyCharge, 5m)], rounding);

        var charges = TariffCalculator.Price(version, Consumption.Of(1m), null);

        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), charges.Taxes);
        Assert.Equal(2.50m + charges.Taxes, charges.Total);
    }

    [Fact]
    public void Price_TaxOnTheSubtotal_IncludesTheFixedCharge()
    {
        // 10 kWh × 8.00 = 80.00; fixed 150.00 + 10 × 40.00 = 550.00; subtotal 630.00; GST 18 % = 113.40; total 743.40.
        var version = new TariffVersion(new DateOnly(2026, 1, 1), [new EnergySlab(0m, null, 8.00m)], [], new FixedCharge(150.00m, 40.00m),
            [new TaxRule("GST", TaxBase.Subtotal, 18m)], MidpointRounding.AwayFromZero);

        var charges = TariffCalculator.Price(version, Consumption.Of(10m), 10m);

        Assert.Equal(630.00m, charges.Subtotal);
        Assert.Equal(113.40m, charges.Taxes);
        Assert.Equal(743.40m, charges.Total);
    }

    [Fact]
    public void Price_ZeroConsumption_FixedChargeAndNoEnergyLines()
    {
        var charges = TariffCalculator.Price(Domestic, new Consumption(0m, new Dictionary<int, decimal> { [2] = 0m }), 3m);

        Assert.DoesNotContain(charges.Lines, l => l.Kind is BillLineKind.Energy or BillLineKind.TimeOfUse);
        Assert.Equal(110.00m, charges.Total);
    }

    [Fact]
    public void VersionFor_VersionEffectiveMidMonth_AppliesFromTheNextMonth()
    {
        var v1 = Domestic;
        var v2 = SlabsOnly with { EffectiveFrom = new DateOnly(2026, 7, 15), Slabs = [new EnergySlab(0m, null, 9m)] };
        var tariff = new Tariff("domestic", "Domestic", "INR", "Asia/Kolkata", [v1, v2]);

        Assert.Null(tariff.VersionFor(new BillingMonth(2025, 12)));
        Assert.Same(v1, tariff.VersionFor(new BillingMonth(2026, 6)));
        Assert.Same(v1, tariff.VersionFor(new BillingMonth(2026, 7)));
        Assert.Same(v2, tariff.VersionFor(new BillingMonth(2026, 8)));
        Assert.Equal(900.00m, TariffCalculator.Price(tariff, new BillingMonth(2026, 8), Consumption.Of(100m), null)!.Total);
    }
}
