using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Meterline.HeadEnd.Billing;

namespace Meterline.Server.Billing;

/// <summary>
/// The printable bill: one self-contained HTML page (inline CSS with print rules, no script, no external resource),
/// every value HTML-encoded, amounts with their currency, quantities with their units, times in the tariff's time zone.
/// </summary>
public static class BillPage
{
    /// <summary>Served with the page: nothing may be loaded from anywhere, only the inline style applies.</summary>
    public const string ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private const string Style = """
        body { font-family: "DejaVu Sans", Arial, Helvetica, sans-serif; color: #111; margin: 2em auto; max-width: 48em; font-size: 11pt; }
        h1 { font-size: 1.5em; margin: 0 0 .2em; }
        .sub { color: #444; margin: 0 0 1.2em; }
        table { border-collapse: collapse; width: 100%; margin: .6em 0 1.2em; }
        th, td { text-align: left; padding: .3em .5em; border-bottom: 1px solid #ccc; vertical-align: top; }
        td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        tr.total td { font-weight: bold; border-top: 2px solid #111; border-bottom: none; font-size: 1.1em; }
        .facts td:first-child { width: 40%; color: #444; }
        .estimated { border: 2px solid #b00; color: #b00; padding: .6em .8em; margin: 1em 0; font-weight: bold; }
        footer { color: #555; font-size: .85em; margin-top: 2em; }
        @page { size: A4; margin: 15mm; }
        @media print { body { margin: 0; max-width: none; font-size: 10pt; } .estimated { color: #000; border-color: #000; } a { color: inherit; text-decoration: none; } }
        """;

    // Every character that means something in HTML is encoded; other text stays readable UTF-8 (the page says its charset).
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    public static string Render(Bill bill)
    {
        ArgumentNullException.ThrowIfNull(bill);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(bill.TimeZoneId);
        var html = new StringBuilder(8192);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        html.Append("<title>Electricity bill ").Append(E(bill.Number)).Append("</title>\n<style>").Append(Style).Append("</style>\n</head>\n<body>\n");
        html.Append("<header>\n<h1>Electricity bill</h1>\n<p class=\"sub\">").Append(E(bill.TariffName)).Append(" · ").Append(E(MonthName(bill.Month))).Append("</p>\n</header>\n");

        if (bill.Estimated)
        {
            html.Append("<p class=\"estimated\">ESTIMATED BILL: meter data is missing for part of this month. Estimated by ")
                .Append(E(bill.EstimationMethod ?? "an estimate")).Append("; data present for ").Append(E(Percent(bill.DataShare))).Append(" of the month.</p>\n");
        }

        html.Append("<table class=\"facts\">\n");
        Fact(html, "Bill number", bill.Number + (bill.Revision > 1 ? $" (revision {bill.Revision.ToString(CultureInfo.InvariantCulture)})" : string.Empty));
        if (bill.Supersedes is not null)
        {
            Fact(html, "Replaces bill", bill.Supersedes);
        }

        Fact(html, "Consumer", bill.ConsumerId);
        Fact(html, "Meter", bill.Serial);
        Fact(html, "Billing period", $"{Local(bill.PeriodStart, zone):yyyy-MM-dd} to {Local(bill.PeriodEnd, zone).AddDays(-1):yyyy-MM-dd} ({bill.TimeZoneId})");
        Fact(html, "Tariff", $"{bill.TariffName} ({bill.TariffId}), version of {bill.TariffVersion}");
        if (bill.SanctionedLoadKw is { } load)
        {
            Fact(html, "Sanctioned load", Number(load, "0.###") + " kW");
        }

        Fact(html, "Consumption", Number(bill.ConsumptionKwh, "#,##0.000") + " kWh");
        Fact(html, "Read from", bill.Method == ConsumptionMethod.BillingSnapshots ? "meter billing snapshots (1.0.98.1.0.255)" : "interval data (load profile, 1.0.1.29.0.255)");
        foreach (var zoneUse in bill.Zones)
        {
            Fact(html, $"Consumption, {zoneUse.Name} (register 1.0.1.8.{zoneUse.Register.ToString(CultureInfo.InvariantCulture)})", Number(zoneUse.Kwh, "#,##0.000") + " kWh");
        }

        if (bill.Demand is { } demand)
        {
            var when = demand.RecordedAt is { } at ? $" at {Local(at, zone):yyyy-MM-dd HH:mm} ({bill.TimeZoneId})" : string.Empty;
            var source = demand.Source == DemandSource.BillingSnapshot
                ? "register 1.0.1.6.0.255 in the billing snapshot"
                : $"highest {demand.IntegrationMinutes?.ToString(CultureInfo.InvariantCulture) ?? "?"}-minute average of the load profile";
            Fact(html, "Maximum demand (recorded)", $"{Number(demand.RecordedKw, "0.000")} kW{when}, from the {source}");
            Fact(html, "Billed demand", Number(demand.BilledKw, "0.000") + " kW" + (demand.ExcessKw > 0 ? $" ({Number(demand.ExcessKw, "0.000")} kW above the sanctioned load)" : string.Empty));
        }

        if (bill.NetMetering is { } net)
        {
            Fact(html, "Export", Number(net.ExportKwh, "#,##0.000") + " kWh" + (net.Mode == NetMeteringMode.Credit ? " (credited)" : " (net metering)"));
            if (net.Mode == NetMeteringMode.Net)
            {
                Fact(html, "Surplus carried in", Number(net.CarriedInKwh, "#,##0.000") + " kWh");
                Fact(html, "Net consumption billed", Number(net.NetKwh, "#,##0.000") + " kWh");
                Fact(html, "Surplus carried to next month", Number(net.CarriedOutKwh, "#,##0.000") + " kWh" + (net.LapsedKwh > 0 ? $" ({Number(net.LapsedKwh, "#,##0.000")} kWh lapsed)" : string.Empty));
            }
        }

        Fact(html, "Issued", $"{Local(bill.IssuedAt, zone):yyyy-MM-dd HH:mm} ({bill.TimeZoneId}) by {bill.IssuedBy}");
        html.Append("</table>\n");

        html.Append("<table class=\"lines\">\n<thead><tr><th>Charge</th><th class=\"n\">Quantity</th><th class=\"n\">Rate</th><th class=\"n\">Amount</th></tr></thead>\n<tbody>\n");
        foreach (var line in bill.Lines)
        {
            html.Append("<tr><td>").Append(E(line.Description)).Append("</td><td class=\"n\">").Append(E(Quantity(line, bill.Currency)))
                .Append("</td><td class=\"n\">").Append(E(Rate(line, bill.Currency))).Append("</td><td class=\"n\">").Append(E(Money(line.Amount, bill.Currency))).Append("</td></tr>\n");
        }

        Sum(html, "Energy charge", bill.EnergyCharge, bill.Currency, string.Empty);
        if (bill.Demand is not null)
        {
            Sum(html, "Demand charge", bill.DemandCharge, bill.Currency, string.Empty);
        }

        if (bill.ExportCredit != 0m)
        {
            Sum(html, "Export credit", bill.ExportCredit, bill.Currency, string.Empty);
        }

        Sum(html, "Subtotal", bill.Subtotal, bill.Currency, string.Empty);
        Sum(html, "Taxes and duties", bill.Taxes, bill.Currency, string.Empty);
        Sum(html, "Amount due", bill.Total, bill.Currency, " class=\"total\"");
        html.Append("</tbody>\n</table>\n");
        html.Append("<footer>Amounts in ").Append(E(bill.Currency)).Append(", each line rounded to two decimal places. Times in ").Append(E(bill.TimeZoneId))
            .Append(". Only readings received from the meter with verified authentication are billed.</footer>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static void Fact(StringBuilder html, string name, string value) =>
        html.Append("<tr><td>").Append(E(name)).Append("</td><td>").Append(E(value)).Append("</td></tr>\n");

    private static void Sum(StringBuilder html, string name, decimal amount, string currency, string attributes) =>
        html.Append("<tr").Append(attributes).Append("><td colspan=\"3\">").Append(E(name)).Append("</td><td class=\"n\">").Append(E(Money(amount, currency))).Append("</td></tr>\n");

    private static string Quantity(BillLine line, string currency) => line switch
    {
        { Quantity: null } => string.Empty,
        { Unit: "kWh" or "kW" } => $"{Number(line.Quantity.Value, "#,##0.###")} {line.Unit}",
        _ => Money(line.Quantity.Value, currency),
    };

    private static string Rate(BillLine line, string currency) => line switch
    {
        { Rate: null } => string.Empty,
        { Kind: BillLineKind.Tax or BillLineKind.TimeOfUse, Unit: not "kWh" } => Number(line.Rate.Value, "0.###") + " %",
        { Unit: "kW" } => $"{Number(line.Rate.Value, "#,##0.00##")} {currency}/kW",
        _ => $"{Number(line.Rate.Value, "#,##0.00##")} {currency}/kWh",
    };

    private static string Money(decimal amount, string currency) => $"{Number(amount, "#,##0.00;-#,##0.00")} {currency}";

    private static string Percent(decimal share) => Number(share * 100m, "0.#") + " %";

    private static string Number(decimal value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static string MonthName(BillingMonth month) => month.FirstDay.ToString("MMMM yyyy", CultureInfo.InvariantCulture);

    private static DateTime Local(DateTimeOffset time, TimeZoneInfo zone) => TimeZoneInfo.ConvertTime(time, zone).DateTime;

    private static string E(string text) => Encoder.Encode(text);
}
