namespace Meterline.HeadEnd.Billing;

/// <summary>One tax or duty: its name as printed, its base, and its value (a percentage, or an amount per kWh for <see cref="TaxBase.PerKwh"/>).</summary>
public sealed record TaxRule(string Name, TaxBase Base, decimal Value);
