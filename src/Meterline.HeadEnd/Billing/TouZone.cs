namespace Meterline.HeadEnd.Billing;

/// <summary>
/// A time-of-use zone: its name (e.g. peak), the meter's tariff register it maps to (1 to 8: 1.0.1.8.z.255, see
/// <see cref="Readings.Quantity.ImportInZone"/>), its daily windows of local time, and its surcharge or rebate.
/// Time not covered by any zone is billed at the slab rates alone.
/// </summary>
public sealed record TouZone(string Name, int Register, IReadOnlyList<TouWindow> Windows, TouAdjustmentKind Kind, decimal Adjustment);
