namespace Meterline.HeadEnd.Billing;

/// <summary>
/// The prices of a tariff from <see cref="EffectiveFrom"/> (a local date in the tariff's time zone) until the next
/// version. A version applies to whole billing months: a month is billed with the version in force on its first day
/// (a version effective mid-month first applies to the next month; docs/billing.md).
/// </summary>
public sealed record TariffVersion(
    DateOnly EffectiveFrom,
    IReadOnlyList<EnergySlab> Slabs,
    IReadOnlyList<TouZone> Zones,
    FixedCharge FixedCharge,
    IReadOnlyList<TaxRule> Taxes,
    MidpointRounding Rounding)
{
    /// <summary>The maximum-demand charge, if the version has one.</summary>
    public DemandCharge? Demand { get; init; }

    /// <summary>How export is billed, if the version meters it (net metering).</summary>
    public NetMetering? NetMetering { get; init; }

    /// <summary>The version's label on a bill: its effective date, yyyy-MM-dd.</summary>
    public string Label => EffectiveFrom.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
