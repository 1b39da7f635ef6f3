namespace Meterline.HeadEnd.Billing;

/// <summary>
/// The export part of a bill (kWh): import and export measured, the surplus carried in from last month, the net
/// billed on the slabs, and the surplus carried to the next month or lapsed (net mode); the kWh credited (credit mode).
/// </summary>
public sealed record BillNetMetering(
    NetMeteringMode Mode,
    decimal ImportKwh,
    decimal ExportKwh,
    decimal CarriedInKwh,
    decimal NetKwh,
    decimal CarriedOutKwh,
    decimal LapsedKwh);
