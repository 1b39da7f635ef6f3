namespace Meterline.HeadEnd.Billing;

/// <summary>
/// A month's recorded maximum demand in kW (three decimals): when it occurred (the end of its integration period, UTC;
/// null if the meter did not say), where it came from, and the integration period used for interval data.
/// </summary>
public sealed record MaximumDemand(decimal Kw, DateTimeOffset? At, DemandSource Source, int? IntegrationMinutes);
