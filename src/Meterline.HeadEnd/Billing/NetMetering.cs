namespace Meterline.HeadEnd.Billing;

/// <summary>
/// A tariff's treatment of export (docs/billing.md): <see cref="NetMeteringMode.Credit"/> at
/// <see cref="CreditRatePerKwh"/>, or <see cref="NetMeteringMode.Net"/> with the surplus carried to the next month when
/// <see cref="CarryForward"/> (else it lapses).
/// </summary>
public sealed record NetMetering(NetMeteringMode Mode, decimal? CreditRatePerKwh, bool CarryForward);
