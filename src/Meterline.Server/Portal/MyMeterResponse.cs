namespace Meterline.Server.Portal;

/// <summary>One of the consumer's meters: newest reading, cost so far, energy per day (30) and per month (12).</summary>
public sealed record MyMeterResponse(
    string Serial,
    DateTimeOffset? LatestReading,
    CostSoFarResponse? CostSoFar,
    IReadOnlyList<UsageBarResponse> Days,
    IReadOnlyList<UsageBarResponse> Months);
