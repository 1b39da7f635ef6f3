using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Billing;

/// <summary>
/// An issued bill, stored as issued and never changed: later data leads to a new revision (a new number, with
/// <see cref="Supersedes"/> naming the one it replaces). Amounts are in <see cref="Currency"/> to two decimal places;
/// times are UTC (printed in <see cref="TimeZoneId"/>).
/// </summary>
/// <param name="Number">The bill number: <c>{yyyyMM}-{meter id, 6 digits}-{revision}</c>, e.g. 202603-000042-1.</param>
/// <param name="Revision">1 for the first issue of the month, then 2, 3, … for re-issues.</param>
/// <param name="Meter">The meter.</param>
/// <param name="Serial">The meter's serial when issued.</param>
/// <param name="ConsumerId">The consumer billed.</param>
/// <param name="Month">The billing month.</param>
/// <param name="PeriodStart">Local midnight of the month's first day, in UTC.</param>
/// <param name="PeriodEnd">Local midnight of the next month's first day, in UTC.</param>
/// <param name="TariffId">The tariff.</param>
/// <param name="TariffName">The tariff's name as printed.</param>
/// <param name="TariffVersion">The tariff version applied (its effective date).</param>
/// <param name="Currency">ISO 4217 code.</param>
/// <param name="TimeZoneId">The utility's time zone (IANA).</param>
/// <param name="SanctionedLoadKw">The consumer's sanctioned load, if the tariff's assignment gives it.</param>
/// <param name="ConsumptionKwh">The month's consumption.</param>
/// <param name="Zones">Consumption per time-of-use zone.</param>
/// <param name="Method">Where the consumption came from.</param>
/// <param name="Estimated">Whether data was missing and the consumption is an estimate.</param>
/// <param name="EstimationMethod">How it was estimated (when <paramref name="Estimated"/>).</param>
/// <param name="DataShare">The share of the month's days with data (1 for billing snapshots).</param>
/// <param name="Lines">The charge lines, taxes last.</param>
/// <param name="EnergyCharge">Slabs plus time-of-use lines.</param>
/// <param name="FixedCharge">The fixed charge.</param>
/// <param name="Subtotal">Energy plus fixed.</param>
/// <param name="Taxes">Sum of the tax lines.</param>
/// <param name="Total">Subtotal plus taxes: the amount due.</param>
/// <param name="IssuedAt">When it was issued (UTC).</param>
/// <param name="IssuedBy">Who issued it (the audit actor).</param>
/// <param name="Supersedes">The number of the revision this one replaces, if any.</param>
public sealed record Bill(
    string Number,
    int Revision,
    MeterId Meter,
    string Serial,
    string ConsumerId,
    BillingMonth Month,
    DateTimeOffset PeriodStart,
    DateTimeOffset PeriodEnd,
    string TariffId,
    string TariffName,
    string TariffVersion,
    string Currency,
    string TimeZoneId,
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
    string? Supersedes)
{
    /// <summary>The demand charge and excess-demand penalty (0 when the tariff has none).</summary>
    public decimal DemandCharge { get; init; }

    /// <summary>The export credit, zero or negative.</summary>
    public decimal ExportCredit { get; init; }

    /// <summary>The recorded maximum demand, its time and the billed demand, when the tariff has a demand charge.</summary>
    public BillDemand? Demand { get; init; }

    /// <summary>Import, export, netting and the surplus carried to the next month, when the tariff meters export.</summary>
    public BillNetMetering? NetMetering { get; init; }

    /// <summary>The longest bill number.</summary>
    public const int MaxNumberLength = 32;

    /// <summary>The number of a month's revision of a meter's bill.</summary>
    public static string NumberOf(MeterId meter, BillingMonth month, int revision) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{month.Year:D4}{month.Month:D2}-{meter.Value:D6}-{revision}");
}
