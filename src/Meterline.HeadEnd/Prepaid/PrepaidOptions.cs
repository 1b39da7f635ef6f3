namespace Meterline.HeadEnd.Prepaid;

/// <summary>
/// How prepaid accounts are run (docs/prepaid.md): the thresholds (in the account's currency), the allowed hours of a
/// disconnect and the utility's time zone they are in, and how the deduction loop runs.
/// </summary>
public sealed record PrepaidOptions
{
    /// <summary>A balance at or below this raises the low-balance warning (once per crossing).</summary>
    public decimal LowBalanceThreshold { get; init; } = 100m;

    /// <summary>Credit allowed below zero before the supply is disconnected (0: disconnect at a zero balance).</summary>
    public decimal EmergencyCredit { get; init; }

    /// <summary>A disconnected consumer is reconnected when a top-up brings the balance above this.</summary>
    public decimal ReconnectThreshold { get; init; }

    /// <summary>When disconnects may be carried out.</summary>
    public DisconnectWindow Window { get; init; } = DisconnectWindow.Default;

    /// <summary>The IANA time zone of <see cref="Window"/>; null: the time zone of the consumer's tariff.</summary>
    public string? TimeZoneId { get; init; }

    /// <summary>How often every account is settled from the store and re-evaluated (catches up after a restart or a lost feed, and carries out pending disconnects).</summary>
    public TimeSpan EvaluationPeriod { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Records taken from the ingest feed per round.</summary>
    public int MaxRecordsPerRound { get; init; } = 10_000;

    /// <summary>Consumers remembered between rounds before the loop falls back to a full pass.</summary>
    public int MaxPendingConsumers { get; init; } = 10_000;

    /// <summary>Meters priced per consumer (more are not priced, and counted as a failure).</summary>
    public int MaxMetersPerConsumer { get; init; } = 64;

    /// <summary>The largest single top-up.</summary>
    public decimal MaxTopUp { get; init; } = 1_000_000m;

    /// <summary>
    /// An adjustment whose absolute amount is above this waits for a second admin's approval (docs/prepaid.md,
    /// "Adjustments and dual control"); at or below it, it applies at once. Null: every adjustment applies at once.
    /// </summary>
    public decimal? AdjustmentApprovalThreshold { get; init; }

    /// <summary>How long an adjustment request waits for the second admin before it expires.</summary>
    public TimeSpan AdjustmentApprovalLifetime { get; init; } = TimeSpan.FromHours(24);

    /// <summary>How often the node marks adjustment requests past their lifetime Expired (audited).</summary>
    public TimeSpan AdjustmentExpirySweep { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The balance at or below which the supply is disconnected.</summary>
    public decimal DisconnectThreshold => -EmergencyCredit;

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(EmergencyCredit);
        ArgumentNullException.ThrowIfNull(Window);
        ArgumentOutOfRangeException.ThrowIfLessThan(ReconnectThreshold, DisconnectThreshold);
        ArgumentOutOfRangeException.ThrowIfLessThan(LowBalanceThreshold, DisconnectThreshold);
        ArgumentOutOfRangeException.ThrowIfLessThan(EvaluationPeriod, TimeSpan.FromMilliseconds(10));
        ArgumentOutOfRangeException.ThrowIfLessThan(AdjustmentExpirySweep, TimeSpan.FromMilliseconds(10));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRecordsPerRound, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPendingConsumers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxMetersPerConsumer, 1);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxTopUp);
        if (AdjustmentApprovalThreshold is { } threshold)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(threshold, nameof(AdjustmentApprovalThreshold));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(AdjustmentApprovalLifetime, TimeSpan.FromMinutes(1), nameof(AdjustmentApprovalLifetime));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(AdjustmentApprovalLifetime, TimeSpan.FromDays(30), nameof(AdjustmentApprovalLifetime));
        if (TimeZoneId is not null)
        {
            _ = TimeZoneInfo.FindSystemTimeZoneById(TimeZoneId);
        }
    }
}
