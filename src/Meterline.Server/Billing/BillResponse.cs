using Meterline.HeadEnd.Billing;

namespace Meterline.Server.Billing;

/// <summary>A bill as the API shows it (amounts in <see cref="Currency"/>, kWh, times UTC), with the link to its printable page.</summary>
public sealed record BillResponse(
    string Number,
    int Revision,
    int MeterId,
    string Serial,
    string ConsumerId,
    string Month,
    DateTimeOffset PeriodStart,
    DateTimeOffset PeriodEnd,
    string TariffId,
    string TariffName,
    string TariffVersion,
    string Currency,
    string TimeZone,
    decimal? SanctionedLoadKw,
    decimal ConsumptionKwh,
    IReadOnlyList<BillZone> Zones,
    ConsumptionMethod Method,
    bool Estimated,
    string? EstimationMethod,
    decimal DataShare,
    IReadOnlyList<BillLine> Lines,
    decimal EnergyCharge,
    decimal FixedCharge,
    decimal Subtotal,
    decimal Taxes,
    decimal Total,
    DateTimeOffset IssuedAt,
    string IssuedBy,
    string? Supersedes,
    string PrintableUrl)
{
    /// <summary>The demand charge and excess-demand penalty (0 when the tariff has none).</summary>
    public decimal DemandCharge { get; init; }

    /// <summary>The export credit, zero or negative.</summary>
    public decimal ExportCredit { get; init; }

    /// <summary>The recorded maximum demand (kW, with its time in UTC and where it came from) and the billed demand.</summary>
    public BillDemand? Demand { get; init; }

    /// <summary>Import, export, the surplus carried in, the net billed and the surplus carried out (kWh).</summary>
    public BillNetMetering? NetMetering { get; init; }

    public static BillResponse From(Bill bill)
    {
        ArgumentNullException.ThrowIfNull(bill);
        return new BillResponse(
            bill.Number, bill.Revision, bill.Meter.Value, bill.Serial, bill.ConsumerId, bill.Month.ToString(), bill.PeriodStart, bill.PeriodEnd,
            bill.TariffId, bill.TariffName, bill.TariffVersion, bill.Currency, bill.TimeZoneId, bill.SanctionedLoadKw, bill.ConsumptionKwh, bill.Zones,
            bill.Method, bill.Estimated, bill.EstimationMethod, bill.DataShare, bill.Lines, bill.EnergyCharge, bill.FixedCharge, bill.Subtotal,
            bill.Taxes, bill.Total, bill.IssuedAt, bill.IssuedBy, bill.Supersedes, "/bills/" + Uri.EscapeDataString(bill.Number))
        {
            DemandCharge = bill.DemandCharge,
            ExportCredit = bill.ExportCredit,
            Demand = bill.Demand,
            NetMetering = bill.NetMetering,
        };
    }
}
