namespace Meterline.HeadEnd.Billing;

/// <summary>
/// One line of a bill: what it is, the quantity it is levied on with its unit (kWh, kW, or the amount a percentage
/// applies to, in the currency) and the rate (per unit, or a percentage for percentage lines), and the amount,
/// rounded to the currency's two decimal places by the tariff's rounding rule.
/// </summary>
public sealed record BillLine(BillLineKind Kind, string Description, decimal? Quantity, string? Unit, decimal? Rate, decimal Amount);
