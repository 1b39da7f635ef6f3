namespace Meterline.HeadEnd.Billing;

/// <summary>
/// The demand part of a bill: the recorded maximum demand (kW), when it occurred (UTC) and where it came from, the
/// billed demand after the tariff's floor, the sanctioned load it was compared with, and the excess above it.
/// </summary>
public sealed record BillDemand(
    decimal RecordedKw,
    DateTimeOffset? RecordedAt,
    DemandSource Source,
    int? IntegrationMinutes,
    decimal BilledKw,
    decimal? SanctionedLoadKw,
    decimal ExcessKw);
