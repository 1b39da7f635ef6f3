namespace Meterline.HeadEnd.Billing;

/// <summary>
/// The priced month: every line, the energy charge (slabs and time-of-use lines), the fixed charge, the subtotal
/// (energy + demand + fixed − export credit), the taxes and the total (subtotal + taxes). Each is the sum of its rounded lines.
/// </summary>
public sealed record BillCharges(IReadOnlyList<BillLine> Lines, decimal EnergyCharge, decimal FixedCharge, decimal Subtotal, decimal Taxes, decimal Total)
{
    /// <summary>The demand charge and the excess-demand penalty (0 without a demand charge).</summary>
    public decimal DemandCharge { get; init; }

    /// <summary>The export credit, zero or negative (credit mode only).</summary>
    public decimal ExportCredit { get; init; }

    /// <summary>The recorded and billed demand, when the version has a demand charge.</summary>
    public BillDemand? Demand { get; init; }

    /// <summary>Import, export, netting and carry-forward, when the version meters export.</summary>
    public BillNetMetering? NetMetering { get; init; }
}
