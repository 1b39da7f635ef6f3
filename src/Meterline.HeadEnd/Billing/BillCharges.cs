namespace Meterline.HeadEnd.Billing;

/// <summary>
/// The priced month: every line, the energy charge (slabs and time-of-use lines), the fixed charge, the subtotal
/// (energy + fixed), the taxes and the total (subtotal + taxes). Each is the sum of its rounded lines.
/// </summary>
public sealed record BillCharges(IReadOnlyList<BillLine> Lines, decimal EnergyCharge, decimal FixedCharge, decimal Subtotal, decimal Taxes, decimal Total);
