using Meterline.HeadEnd.Billing;

namespace Meterline.Server.Billing;

/// <summary>One version of a tariff in the API.</summary>
public sealed record TariffVersionResponse(string EffectiveFrom, string Rounding, IReadOnlyList<EnergySlab> Slabs, IReadOnlyList<TariffZoneResponse> Zones, FixedCharge FixedCharge, IReadOnlyList<TariffTaxResponse> Taxes);
