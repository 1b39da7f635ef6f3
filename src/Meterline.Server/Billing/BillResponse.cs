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
    public static BillResponse From(Bill bill)
    {
        ArgumentNullException.ThrowIfNull(bill);
        return new BillResponse(
            bill.Number, bill.Revision, bill.Meter.Value, bill.Serial, bill.ConsumerId, bill.Month.ToString(), bill.PeriodStart, bill.PeriodEnd,
            bill.TariffId, bill.TariffName, bill.TariffVersion, bill.Currency, bill.TimeZoneId, bill.SanctionedLoadKw, bill.ConsumptionKwh, bill.Zones,
            bill.Method, bill.Estimated, bill.EstimationMethod, bill.DataShare, bill.Lines, bill.EnergyCharge, bill.FixedCharge, bill.Subtotal,
            bill.Taxes, bill.Total, bill.IssuedAt, bill.IssuedBy, bill.Supersedes, "/bills/" + Uri.EscapeDataString(bill.Number));
    }
}
