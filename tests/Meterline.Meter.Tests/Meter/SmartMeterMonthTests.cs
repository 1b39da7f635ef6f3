using Meterline.Meter.Metrology;

namespace Meterline.Meter.Tests.Meter;

/// <summary>Thirty simulated days on a fake clock: the registers, profiles and billing agree with each other.</summary>
public sealed class SmartMeterMonthTests : IDisposable
{
    private readonly TestMeters _meters = new();

    public void Dispose() => _meters.Dispose();

    [Fact]
    public void ThirtyDays_IntervalEnergies_SumToTheRegisterChange()
    {
        var meter = _meters.Create();
        var start = meter.Registers.ImportWh;
        ulong previousImport = 0;
        for (var hour = 0; hour < 24 * 30; hour++)
        {
            _meters.Time.Advance(TimeSpan.FromHours(1));
            meter.AdvanceTo();
            Assert.True(meter.Registers.ImportWh >= previousImport);
            previousImport = meter.Registers.ImportWh;
        }

        var profile = meter.BlockProfile;
        Assert.Equal(30 * 96, profile.EntriesInUse);
        ulong blockSum = 0;
        for (var i = 0; i < profile.EntriesInUse; i++)
        {
            blockSum += (ulong)profile.GetRow(i)[3];
        }

        Assert.Equal(meter.Registers.ImportWh - start, blockSum);
        Assert.True(meter.Registers.ImportWh > 30 * 1000, $"A household uses more than 1 kWh a day ({meter.Registers.ImportWh} Wh in 30 days)");
    }

    [Fact]
    public void BillingDate_Snapshot_MatchesTheRegistersAtMidnight()
    {
        var meter = _meters.Create();
        ulong importAtMidnight = 0;
        for (var hour = 0; hour < 24 * 32; hour++)
        {
            _meters.Time.Advance(TimeSpan.FromHours(1));
            meter.AdvanceTo();
            var local = meter.Clock.LocalNow;
            if (local is { Day: 1, Hour: 0 } && local.Month == 2)
            {
                importAtMidnight = meter.Registers.ImportWh;
            }
        }

        var billing = meter.BillingProfile;
        Assert.Equal(1, billing.EntriesInUse);
        var row = billing.GetRow(0);
        Assert.Equal(new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.FromHours(5.5)).UtcTicks, row[0]);
        Assert.Equal((long)importAtMidnight, row[2]);
        var zones = Enumerable.Range(3, EnergyRegisters.TariffZoneCount).Sum(i => row[i]);
        Assert.Equal(row[2], zones);
        Assert.True(row[11] > 0, "maximum demand captured for January");
    }
}
