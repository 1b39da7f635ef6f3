using Meterline.HeadEnd.Analytics.Balance;
using Meterline.HeadEnd.Analytics.Rules;

namespace Meterline.HeadEnd.Analytics;

/// <summary>
/// Settings of the analytics (docs/analytics.md lists every threshold with its default): the rules' thresholds, which
/// meters are net-metered, and how the service runs.
/// </summary>
public sealed record AnalyticsOptions
{
    public TamperEventOptions TamperEvents { get; init; } = new();

    public NeutralMismatchOptions NeutralMismatch { get; init; } = new();

    public ZeroConsumptionOptions ZeroConsumption { get; init; } = new();

    public ReverseEnergyOptions ReverseEnergy { get; init; } = new();

    public MagnetLowConsumptionOptions MagnetLowConsumption { get; init; } = new();

    public ClockAnomalyOptions Clock { get; init; } = new();

    public CumulativeDecreaseOptions CumulativeDecrease { get; init; } = new();

    public BaselineDropOptions BaselineDrop { get; init; } = new();

    /// <summary>The energy balance's suspect fit and its <c>energy-balance</c> alert (run by the full pass).</summary>
    public EnergyBalanceOptions EnergyBalance { get; init; } = new();

    /// <summary>Serials of meters with net metering (export is expected of them).</summary>
    public IReadOnlySet<string> NetMeteredSerials { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>How often every meter is evaluated with every rule (the baseline rules, and catching up on anything missed).</summary>
    public TimeSpan FullPassPeriod { get; init; } = TimeSpan.FromHours(6);

    /// <summary>Live records taken from the feed before the touched meters are evaluated.</summary>
    public int MaxRecordsPerRound { get; init; } = 10_000;

    /// <summary>Meters remembered as touched between rounds; more than this and the round becomes a full pass.</summary>
    public int MaxPendingMeters { get; init; } = 50_000;

    /// <summary>Interval times kept per meter for the clock rule's commit order within one round.</summary>
    public int MaxArrivalsPerMeter { get; init; } = 256;

    /// <summary>Rows read per meter and window (bounds a window's memory).</summary>
    public int MaxReadingsPerWindow { get; init; } = 50_000;

    /// <summary>
    /// The memory the live rounds may hold meters' windows in (docs/ingest.md "Held windows"): a touched meter's window
    /// is read from the store when it is not held, else taken from memory kept up by the feed; least recently used meters
    /// are evicted past it. 0: none held, every round reads the store.
    /// </summary>
    public long WindowMemoryBudget { get; init; } = 64L * 1024 * 1024;

    /// <summary>The rules the service runs, built from these options.</summary>
    public IReadOnlyList<IAnalyticsRule> CreateRules() =>
    [
        new TamperEventRule(TamperEvents),
        new NeutralMismatchRule(NeutralMismatch),
        new ZeroConsumptionRule(ZeroConsumption),
        new ReverseEnergyRule(ReverseEnergy),
        new MagnetLowConsumptionRule(MagnetLowConsumption),
        new ClockAnomalyRule(Clock),
        new CumulativeDecreaseRule(CumulativeDecrease),
        new BaselineDropRule(BaselineDrop),
    ];

    public void Validate()
    {
        TamperEvents.Validate();
        NeutralMismatch.Validate();
        ZeroConsumption.Validate();
        ReverseEnergy.Validate();
        MagnetLowConsumption.Validate();
        Clock.Validate();
        CumulativeDecrease.Validate();
        BaselineDrop.Validate();
        EnergyBalance.Validate();
        if (FullPassPeriod <= TimeSpan.Zero || MaxRecordsPerRound < 1 || MaxPendingMeters < 1 || MaxArrivalsPerMeter < 1 || MaxReadingsPerWindow < 1 || WindowMemoryBudget < 0)
        {
            throw new ArgumentException("Analytics periods and bounds are positive.");
        }
    }
}
