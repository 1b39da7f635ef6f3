namespace Meterline.HeadEnd.Billing;

/// <summary>A time-of-use zone's consumption on a bill: its name, its tariff register (1.0.1.8.z.255) and its kWh.</summary>
public sealed record BillZone(string Name, int Register, decimal Kwh);
