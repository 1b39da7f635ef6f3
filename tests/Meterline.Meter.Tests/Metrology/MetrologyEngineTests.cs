using Meterline.Meter.Metrology;

namespace Meterline.Meter.Tests.Metrology;

public sealed class MetrologyEngineTests
{
    private static readonly TimeSpan Ist = new(5, 30, 0);
    private static readonly DateTimeOffset Start = new(2026, 4, 1, 0, 0, 0, Ist);
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan HalfHour = TimeSpan.FromMinutes(30);

    [Fact]
    public void Step_ThirtyDaysOfMinuteSteps_RegistersConsistent()
    {
        var engine = new MetrologyEngine(HouseholdProfile.Typical(21), gridSeed: 4);
        var blocks = new IntervalAccumulator(engine.Registers);
        var days = new IntervalAccumulator(engine.Registers);
        var demand = new DemandRegister();
        double importIntegral = 0, exportIntegral = 0, highestBlock = 0;
        ulong blockImport = 0, blockExport = 0, dailyImport = 0, import = 0, export = 0, apparent = 0;
        var time = Start;
        for (var step = 0; step < 30 * 1440; step++)
        {
            time += Minute;
            var conditions = ConditionsOnDay((time - Start).Days, time.Hour);
            var sample = engine.Step(time, Minute, conditions, (time.Hour / 3) + 1);
            importIntegral += Math.Max(0, sample.ActivePower) / 60;
            exportIntegral += Math.Max(0, -sample.ActivePower) / 60;

            var registers = engine.Registers;
            Assert.True(registers.ImportWh >= import && registers.ExportWh >= export && registers.ApparentVAh >= apparent);
            (import, export, apparent) = (registers.ImportWh, registers.ExportWh, registers.ApparentVAh);

            blocks.Add(sample, Minute);
            days.Add(sample, Minute);
            demand.Add(engine.LastStepEnergy.ImportWh, time);
            if (ClockBlocks.IsBoundary(time, HalfHour))
            {
                var block = blocks.Close(time);
                blockImport += block.ImportWh;
                blockExport += block.ExportWh;
                highestBlock = Math.Max(highestBlock, block.ImportWh * 2.0);
                Assert.Equal(HalfHour, block.Duration);
            }

            if (ClockBlocks.IsBoundary(time, TimeSpan.FromDays(1)))
            {
                var day = days.Close(time);
                dailyImport += day.ImportWh;
                Assert.Equal(registers.ImportWh, day.CumulativeImportWh);
            }
        }

        var final = engine.Registers;
        Assert.True(final.ImportWh > 30_000, $"imported {final.ImportWh} Wh");
        Assert.True(final.ExportWh > 1_000, $"exported {final.ExportWh} Wh");
        Assert.Equal(final.ImportWh, Enumerable.Range(1, 8).Aggregate(0UL, (sum, zone) => sum + final.ZoneImportWh(zone)));
        Assert.All(Enumerable.Range(1, 8), zone => Assert.True(final.ZoneImportWh(zone) > 0));
        Assert.Equal(final.ImportWh, blockImport);
        Assert.Equal(final.ExportWh, blockExport);
        Assert.Equal(final.ImportWh, dailyImport);
        Assert.InRange(importIntegral - final.ImportWh, 0, 1);
        Assert.InRange(exportIntegral - final.ExportWh, 0, 1);
        Assert.InRange(final.ImportWhExact - importIntegral, -1e-6, 1e-6);
        // Block energies are whole-Wh register differences (±1 Wh of the exact energy: ±2 W over half an hour).
        Assert.InRange(demand.MaximumDemandWatts, highestBlock - 2, highestBlock + 2);
        Assert.True(ClockBlocks.IsBoundary(demand.CaptureTime!.Value, HalfHour));
        Assert.True(final.ApparentVAh >= final.ImportWh);
    }

    private static MetrologyConditions ConditionsOnDay(int day, int hour) => day switch
    {
        10 => new MetrologyConditions { ReverseCurrent = true },
        12 when hour is >= 9 and < 12 => new MetrologyConditions { Grid = GridCondition.Outage },
        14 => new MetrologyConditions { Magnet = true },
        16 => new MetrologyConditions { RelayOpen = true },
        _ => MetrologyConditions.Normal,
    };

    [Fact]
    public void Step_SameSeedsSevenDays_IdenticalSamplesAndRegisters()
    {
        var a = new MetrologyEngine(HouseholdProfile.Typical(8), 1);
        var b = new MetrologyEngine(HouseholdProfile.Typical(8), 1);
        var time = Start;
        for (var step = 0; step < 7 * 1440; step++)
        {
            time += Minute;
            Assert.Equal(a.Step(time, Minute, MetrologyConditions.Normal), b.Step(time, Minute, MetrologyConditions.Normal));
        }

        Assert.Equal(a.Registers.ImportWh, b.Registers.ImportWh);
        Assert.Equal(a.Registers.ApparentVAh, b.Registers.ApparentVAh);
    }

    [Fact]
    public void Step_Magnet_UnderRegistersByTheFactorAndSetsTheFlag()
    {
        var (normal, normalSample) = RunDay(MetrologyConditions.Normal);
        var (magnet, magnetSample) = RunDay(new MetrologyConditions { Magnet = true });
        Assert.True(magnetSample.MagneticFieldDetected);
        Assert.False(normalSample.MagneticFieldDetected);
        Assert.Equal(normalSample.PhaseCurrent * 0.3, magnetSample.PhaseCurrent, 9);
        Assert.InRange(magnet.Registers.ImportWh, (normal.Registers.ImportWh * 0.3) - 1, (normal.Registers.ImportWh * 0.3) + 1);
    }

    [Fact]
    public void Step_MissingNeutral_NeutralCurrentZeroEnergyOnPhase()
    {
        var (normal, normalSample) = RunDay(MetrologyConditions.Normal);
        var (tampered, sample) = RunDay(new MetrologyConditions { MissingNeutral = true });
        Assert.Equal(0, sample.NeutralCurrent);
        Assert.True(sample.PhaseCurrent > 0);
        Assert.Equal(normalSample.PhaseCurrent, sample.PhaseCurrent);
        Assert.Equal(normal.Registers.ImportWh, tampered.Registers.ImportWh);
        Assert.True(new MetrologyConditions { MissingNeutral = true }.NeutralDisturbance);
    }

    [Fact]
    public void Step_EarthReturnShare_NeutralBelowPhaseEnergyUnchanged()
    {
        var (normal, _) = RunDay(MetrologyConditions.Normal);
        var (tampered, sample) = RunDay(new MetrologyConditions { EarthReturnShare = 0.4 });
        Assert.Equal(sample.PhaseCurrent * 0.6, sample.NeutralCurrent, 9);
        Assert.Equal(normal.Registers.ImportWh, tampered.Registers.ImportWh);
    }

    [Fact]
    public void Step_PhaseBypassShare_PhaseBelowNeutralEnergyOnTheLarger()
    {
        var (normal, normalSample) = RunDay(MetrologyConditions.Normal);
        var (tampered, sample) = RunDay(new MetrologyConditions { PhaseBypassShare = 0.5 });
        Assert.Equal(sample.NeutralCurrent * 0.5, sample.PhaseCurrent, 9);
        Assert.Equal(normalSample.PhaseCurrent, sample.NeutralCurrent, 9);
        Assert.Equal(normal.Registers.ImportWh, tampered.Registers.ImportWh);
    }

    [Fact]
    public void Step_ReverseCurrent_ExportGrowsImportDoesNotSignsNegative()
    {
        var (normal, _) = RunDay(MetrologyConditions.Normal);
        var (reversed, sample) = RunDay(new MetrologyConditions { ReverseCurrent = true });
        Assert.Equal(0UL, reversed.Registers.ImportWh);
        Assert.Equal(0UL, reversed.Registers.ApparentVAh);
        Assert.Equal(normal.Registers.ImportWh, reversed.Registers.ExportWh);
        Assert.True(sample.ActivePower < 0);
        Assert.InRange(sample.PowerFactor, -0.99 - 1e-9, -0.8 + 1e-9);
        Assert.True(sample.PhaseCurrent > 0);
    }

    [Fact]
    public void Step_Outage_ZeroVoltsNoCurrentNoEnergy()
    {
        var (engine, sample) = RunDay(new MetrologyConditions { Grid = GridCondition.Outage });
        Assert.Equal(0, sample.Voltage);
        Assert.Equal(0, sample.PhaseCurrent);
        Assert.Equal(0, sample.NeutralCurrent);
        Assert.Equal(0, sample.Frequency);
        Assert.Equal(0UL, engine.Registers.ImportWh);
        Assert.Equal(0UL, engine.Registers.ApparentVAh);
        Assert.True(new MetrologyConditions { Grid = GridCondition.Outage }.Outage);
    }

    [Fact]
    public void Step_RelayOpen_VoltageButNoCurrentNoEnergy()
    {
        var (engine, sample) = RunDay(new MetrologyConditions { RelayOpen = true });
        Assert.InRange(sample.Voltage, 210, 250);
        Assert.Equal(0, sample.PhaseCurrent);
        Assert.Equal(0, sample.ActivePower);
        Assert.Equal(0UL, engine.Registers.ImportWh);
    }

    [Fact]
    public void Step_VoltageSag_PowerScalesWithVoltageCurrentUnchanged()
    {
        var (normal, normalSample) = RunDay(MetrologyConditions.Normal);
        var (sagged, sample) = RunDay(new MetrologyConditions { Grid = GridCondition.VoltageSag(0.5) });
        Assert.Equal(normalSample.Voltage * 0.5, sample.Voltage, 9);
        Assert.Equal(normalSample.PhaseCurrent, sample.PhaseCurrent, 9);
        Assert.Equal(normalSample.ActivePower * 0.5, sample.ActivePower, 9);
        Assert.InRange(sagged.Registers.ImportWhExact, (normal.Registers.ImportWhExact * 0.5) - 1e-6, (normal.Registers.ImportWhExact * 0.5) + 1e-6);
    }

    [Fact]
    public void Step_SupplyFrequencyImposed_FrequencyIsItUnlessThereIsNoSupply()
    {
        var (_, sample) = RunDay(new MetrologyConditions { SupplyFrequency = 48.9 });
        var (_, dark) = RunDay(new MetrologyConditions { SupplyFrequency = 48.9, Grid = GridCondition.Outage });

        Assert.Equal(48.9, sample.Frequency);
        Assert.True(sample.PhaseCurrent > 0);
        Assert.Equal(0, dark.Frequency);
        Assert.Throws<ArgumentOutOfRangeException>(() => new MetrologyConditions { SupplyFrequency = 0 });
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-60)]
    public void Step_NonPositiveDt_IntegratesNothing(int seconds)
    {
        var engine = new MetrologyEngine(HouseholdProfile.Typical(2), 2);
        engine.Step(Start.AddHours(20), TimeSpan.FromHours(1), MetrologyConditions.Normal);
        var before = (engine.Registers.ImportWhExact, engine.Registers.ApparentVAh);
        var sample = engine.Step(Start.AddHours(21), TimeSpan.FromSeconds(seconds), MetrologyConditions.Normal);
        Assert.Equal(before, (engine.Registers.ImportWhExact, engine.Registers.ApparentVAh));
        Assert.Equal(default, engine.LastStepEnergy);
        Assert.True(sample.ActivePower > 0);
    }

    [Fact]
    public void Step_OneCallOfADay_SameEnergyAsMinuteSteps()
    {
        var stepped = new MetrologyEngine(HouseholdProfile.Typical(6), 6);
        for (var minute = 1; minute <= 1440; minute++)
        {
            stepped.Step(Start.AddMinutes(minute), Minute, MetrologyConditions.Normal);
        }

        var once = new MetrologyEngine(HouseholdProfile.Typical(6), 6);
        once.Step(Start.AddDays(1), TimeSpan.FromDays(1), MetrologyConditions.Normal);
        Assert.Equal(stepped.Registers.ImportWhExact, once.Registers.ImportWhExact, 6);
        Assert.Equal(TimeSpan.Zero, once.UnintegratedTime);
    }

    [Fact]
    public void Step_LongerThanSevenDays_IntegratesTheLastSevenAndCountsTheRest()
    {
        var capped = new MetrologyEngine(HouseholdProfile.Typical(6), 6);
        var end = Start.AddDays(10);
        capped.Step(end, TimeSpan.FromDays(10), MetrologyConditions.Normal);
        var week = new MetrologyEngine(HouseholdProfile.Typical(6), 6);
        week.Step(end, TimeSpan.FromDays(7), MetrologyConditions.Normal);
        Assert.Equal(TimeSpan.FromDays(3), capped.UnintegratedTime);
        Assert.Equal(week.Registers.ImportWhExact, capped.Registers.ImportWhExact);
        Assert.True(capped.Registers.ImportWh > 0);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(9)]
    [InlineData(-1)]
    public void Step_TariffZoneOutOfRange_ThrowsAndChangesNothing(int zone)
    {
        var engine = new MetrologyEngine(HouseholdProfile.Typical(2), 2);
        Assert.Throws<ArgumentOutOfRangeException>(() => engine.Step(Start.AddHours(20), TimeSpan.FromHours(1), MetrologyConditions.Normal, zone));
        Assert.Equal(0, engine.Registers.ImportWhExact);
    }

    [Fact]
    public void Settings_OutOfRange_Throw()
    {
        var engine = new MetrologyEngine(HouseholdProfile.Typical(2), 2);
        Assert.Throws<ArgumentOutOfRangeException>(() => engine.MagnetCurrentFactor = 1.5);
        Assert.Throws<ArgumentOutOfRangeException>(() => engine.MagnetCurrentFactor = double.NaN);
        Assert.Throws<ArgumentOutOfRangeException>(() => engine.MaxSubStep = TimeSpan.FromMilliseconds(10));
        Assert.Throws<ArgumentOutOfRangeException>(() => engine.MaxSubStep = TimeSpan.FromHours(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MetrologyConditions { EarthReturnShare = 1.1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new MetrologyConditions { PhaseBypassShare = -0.1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new MetrologyConditions { LoadBypassShare = 1.5 });
        Assert.Throws<ArgumentNullException>(() => new MetrologyEngine((HouseholdProfile)null!, 1));
        Assert.Throws<ArgumentNullException>(() => new MetrologyEngine((ILoadSource)null!, 1));
    }

    [Fact]
    public void Measure_NoLoad_PowerFactorOneAndNothingIntegrated()
    {
        var engine = new MetrologyEngine(HouseholdProfile.Typical(2), 2);
        var sample = engine.Measure(Start, new MetrologyConditions { RelayOpen = true });
        Assert.Equal(1, sample.PowerFactor);
        Assert.Equal(sample, engine.LastSample);
        Assert.Equal(0, engine.Registers.ImportWhExact);
    }

    [Fact]
    public void Step_AfterWarmUp_AllocatesNothingEvenAcrossMidnight()
    {
        var engine = new MetrologyEngine(HouseholdProfile.Typical(30), 30);
        var demand = new DemandRegister();
        var blocks = new IntervalAccumulator(engine.Registers);
        var conditions = new MetrologyConditions { EarthReturnShare = 0.2 };
        var time = Start;
        for (var minute = 0; minute < 1440; minute++)
        {
            time += Minute;
            blocks.Add(engine.Step(time, Minute, conditions, 2), Minute);
            demand.Add(engine.LastStepEnergy.ImportWh, time);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var minute = 0; minute < 2 * 1440; minute++)
        {
            time += Minute;
            blocks.Add(engine.Step(time, Minute, conditions, 2), Minute);
            demand.Add(engine.LastStepEnergy.ImportWh, time);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static (MetrologyEngine Engine, MetrologySample Evening) RunDay(MetrologyConditions conditions)
    {
        var engine = new MetrologyEngine(HouseholdProfile.Typical(13), 13);
        var evening = default(MetrologySample);
        for (var minute = 1; minute <= 1440; minute++)
        {
            var sample = engine.Step(Start.AddMinutes(minute), Minute, conditions);
            if (minute == 20 * 60)
            {
                evening = sample;
            }
        }

        return (engine, evening);
    }
}
