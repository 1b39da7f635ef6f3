namespace Meterline.Server.Billing;

/// <summary>A tax in the API.</summary>
public sealed record TariffTaxResponse(string Name, string Base, decimal? Percent, decimal? Rate);
