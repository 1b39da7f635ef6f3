namespace Meterline.HeadEnd.Billing;

/// <summary>A consumer (the meter's <c>ConsumerId</c>) billed on a tariff, with the sanctioned load in kW if the fixed charge depends on it.</summary>
public sealed record TariffAssignment(string ConsumerId, string TariffId, decimal? SanctionedLoadKw);
