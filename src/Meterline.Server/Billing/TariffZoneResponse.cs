namespace Meterline.Server.Billing;

/// <summary>A time-of-use zone in the API.</summary>
public sealed record TariffZoneResponse(string Name, int Register, IReadOnlyList<string> Windows, decimal? Percent, decimal? RatePerKwh);
