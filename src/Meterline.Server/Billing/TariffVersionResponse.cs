using Meterline.HeadEnd.Billing;

namespace Meterline.Server.Billing;

/// <summary>One version of a tariff in the API.</summary>
public sealed record TariffVersionResponse(string EffectiveFrom, string Rounding, IReadOnlyList<EnergySlab> Slabs, IReadOnlyList<TariffZoneResponse> Zones, FixedCharge FixedCharge, IReadOnlyList<TariffTaxResponse> Taxes)
{
    /// <summary>The maximum-demand charge, if the version has one.</summary>
    public DemandCharge? Demand { get; init; }

    /// <summary>How export is billed, if the version meters it.</summary>
    public NetMetering? NetMetering { get; init; }
}
