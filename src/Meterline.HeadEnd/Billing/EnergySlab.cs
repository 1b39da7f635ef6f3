namespace Meterline.HeadEnd.Billing;

/// <summary>
/// One slab of a telescopic energy tariff: the kWh of the month above <see cref="FromKwh"/> and up to
/// <see cref="ToKwh"/> (null: no upper bound) are priced at <see cref="Rate"/> per kWh. Slabs run from 0 without gaps.
/// </summary>
public sealed record EnergySlab(decimal FromKwh, decimal? ToKwh, decimal Rate);
