using Meterline.Dlms.Profiles;
using Meterline.Meter.Events;
using Meterline.Meter.Metrology;
using Meterline.Meter.Security;
using Meterline.Meter.State;

namespace Meterline.Meter;

/// <summary>How to build a <see cref="SmartMeter"/>: its profile, identity, first keys, household, time and memory.</summary>
public sealed record SmartMeterOptions
{
    public required MeterProfile Profile { get; init; }

    public required MeterIdentity Identity { get; init; }

    /// <summary>The keys a new meter is provisioned with (ignored when the state store already holds the meter's keys).</summary>
    public required MeterKeyMaterial InitialKeys { get; init; }

    /// <summary>The household behind the meter; its seed makes the load reproducible.</summary>
    public required HouseholdProfile Household { get; init; }

    /// <summary>
    /// What the meter measures instead of <see cref="Household"/>, when set: e.g. the sum of a transformer's loads for
    /// the meter of its total. Must be a pure function of time (the meter may be stepped from any thread, under its lock).
    /// </summary>
    public ILoadSource? LoadSource { get; init; }

    /// <summary>Seed of the supply voltage and frequency noise.</summary>
    public int GridSeed { get; init; }

    /// <summary>The meter's non-volatile memory.</summary>
    public required IMeterStateStore StateStore { get; init; }

    /// <summary>True time; the meter's clock runs from it with its own offset and drift.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The meter's local time zone (IST for IS 15959 meters).</summary>
    public TimeSpan UtcOffset { get; init; } = new(5, 30, 0);

    /// <summary>The block load profile's capture period (15 or 30 minutes in IS 15959).</summary>
    public TimeSpan BlockPeriod { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>The demand integration period of maximum demand.</summary>
    public TimeSpan DemandPeriod { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>How much true time one metrology step covers.</summary>
    public TimeSpan MetrologyStep { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Day of the month (1–28) on whose midnight the billing snapshot is taken.</summary>
    public int BillingDay { get; init; } = 1;

    /// <summary>Days of block load profile kept (the head-end back-fills by range within them); at least 30.</summary>
    public int BlockProfileDays { get; init; } = 35;

    public int DailyProfileDays { get; init; } = 62;

    public int BillingProfileEntries { get; init; } = 13;

    public int EventLogEntries { get; init; } = 100;

    public int PushQueueCapacity { get; init; } = 512;

    public TamperThresholds Thresholds { get; init; } = new();

    public ushort MaxPduSize { get; init; } = 1024;
}
