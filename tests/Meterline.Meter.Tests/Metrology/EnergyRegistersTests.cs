using CsCheck;
using Meterline.Meter.Metrology;

namespace Meterline.Meter.Tests.Metrology;

public sealed class EnergyRegistersTests
{
    [Fact]
    public void Add_Fractions_CarriedUntilAWholeWattHour()
    {
        var registers = new EnergyRegisters();
        registers.Add(new StepEnergy(0.4, 0, 0.45), 1);
        registers.Add(new StepEnergy(0.4, 0, 0.45), 1);
        Assert.Equal(0UL, registers.ImportWh);
        Assert.Equal(0UL, registers.ApparentVAh);
        registers.Add(new StepEnergy(0.4, 0, 0.45), 2);
        Assert.Equal(1UL, registers.ImportWh);
        Assert.Equal(1UL, registers.ApparentVAh);
        Assert.Equal(0UL, registers.ZoneImportWh(1));
        Assert.Equal(1UL, registers.ZoneImportWh(2));
        Assert.Equal(1.2, registers.ImportWhExact, 12);
    }

    [Fact]
    public void Add_RandomIncrementsAndZones_ZonesSumToImportAndNothingLost()
    {
        Gen.Select(Gen.Double[0, 50], Gen.Double[0, 5], Gen.Int[1, 8]).Array[1, 300].Sample(steps =>
        {
            var registers = new EnergyRegisters();
            double import = 0, export = 0;
            foreach (var (importWh, exportWh, zone) in steps)
            {
                var before = registers.ImportWh;
                registers.Add(new StepEnergy(importWh, exportWh, importWh), zone);
                import += importWh;
                export += exportWh;
                Assert.True(registers.ImportWh >= before);
            }

            var zones = Enumerable.Range(1, 8).Aggregate(0UL, (sum, z) => sum + registers.ZoneImportWh(z));
            Assert.Equal(registers.ImportWh, zones);
            Assert.InRange(registers.ImportWh, import - 1 - 1e-9, import + 1e-9);
            Assert.InRange(registers.ExportWh, export - 1 - 1e-9, export + 1e-9);
            Assert.Equal(import, registers.ImportWhExact, 6);
        });
    }

    [Theory]
    [InlineData(0)]
    [InlineData(9)]
    public void ZoneImportWh_OutOfRange_Throws(int zone) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new EnergyRegisters().ZoneImportWh(zone));
}
