using System.Globalization;
using System.Text.Json;
using Meterline.Cli.Api;
using Spectre.Console;

namespace Meterline.Cli.Bills;

/// <summary>A bill of the API (JSON) written for the terminal: its facts, its lines and its sums.</summary>
internal static class BillText
{
    public static void Write(IAnsiConsole console, JsonElement bill)
    {
        var currency = JsonFields.Text(bill, "currency");
        var facts = new Table().AddColumns("Bill", JsonFields.Text(bill, "number"));
        facts.AddRow("Meter", Markup.Escape($"{JsonFields.Text(bill, "serial")} (consumer {JsonFields.Text(bill, "consumerId")})"));
        facts.AddRow("Month", Markup.Escape($"{JsonFields.Text(bill, "month")}, revision {JsonFields.Text(bill, "revision")}" + (Has(bill, "supersedes") ? $", replaces {JsonFields.Text(bill, "supersedes")}" : string.Empty)));
        facts.AddRow("Tariff", Markup.Escape($"{JsonFields.Text(bill, "tariffName")} ({JsonFields.Text(bill, "tariffId")} of {JsonFields.Text(bill, "tariffVersion")}, {JsonFields.Text(bill, "timeZone")})"));
        facts.AddRow("Consumption", Markup.Escape($"{JsonFields.Text(bill, "consumptionKwh")} kWh from {JsonFields.Text(bill, "method")}"));
        if (bill.TryGetProperty("estimated", out var estimated) && estimated.ValueKind == JsonValueKind.True)
        {
            facts.AddRow("[bold red]ESTIMATED[/]", Markup.Escape($"{JsonFields.Text(bill, "estimationMethod")}; data share {JsonFields.Text(bill, "dataShare")}"));
        }

        if (bill.TryGetProperty("demand", out var demand) && demand.ValueKind == JsonValueKind.Object)
        {
            facts.AddRow("Maximum demand", Markup.Escape($"{JsonFields.Text(demand, "recordedKw")} kW at {JsonFields.Text(demand, "recordedAt")} ({JsonFields.Text(demand, "source")}); billed {JsonFields.Text(demand, "billedKw")} kW, excess {JsonFields.Text(demand, "excessKw")} kW"));
        }

        if (bill.TryGetProperty("netMetering", out var net) && net.ValueKind == JsonValueKind.Object)
        {
            facts.AddRow("Export", Markup.Escape($"{JsonFields.Text(net, "exportKwh")} kWh ({JsonFields.Text(net, "mode")}); carried in {JsonFields.Text(net, "carriedInKwh")}, net {JsonFields.Text(net, "netKwh")}, carried out {JsonFields.Text(net, "carriedOutKwh")} kWh"));
        }

        facts.AddRow("Issued", Markup.Escape($"{JsonFields.Text(bill, "issuedAt")} by {JsonFields.Text(bill, "issuedBy")}"));
        console.Write(facts);

        var lines = new Table().AddColumns("Charge", "Quantity", "Rate", "Amount");
        foreach (var line in JsonFields.Items(bill, "lines"))
        {
            var quantity = Has(line, "quantity") ? $"{JsonFields.Text(line, "quantity")} {JsonFields.Text(line, "unit")}" : string.Empty;
            lines.AddRow(Markup.Escape(JsonFields.Text(line, "description")), Markup.Escape(quantity), Markup.Escape(Has(line, "rate") ? JsonFields.Text(line, "rate") : string.Empty), Markup.Escape(Money(line, "amount", currency)));
        }

        foreach (var (name, field) in new[] { ("Energy charge", "energyCharge"), ("Demand charge", "demandCharge"), ("Fixed charge", "fixedCharge"), ("Export credit", "exportCredit"), ("Subtotal", "subtotal"), ("Taxes", "taxes") })
        {
            lines.AddRow(name, string.Empty, string.Empty, Markup.Escape(Money(bill, field, currency)));
        }

        lines.AddRow("[bold]Amount due[/]", string.Empty, string.Empty, "[bold]" + Markup.Escape(Money(bill, "total", currency)) + "[/]");
        console.Write(lines);
        console.WriteLine($"printable: {JsonFields.Text(bill, "printableUrl")}");
    }

    public static string Money(JsonElement element, string name, string currency) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
            ? value.GetDecimal().ToString("#,##0.00;-#,##0.00", CultureInfo.InvariantCulture) + " " + currency
            : "-";

    private static bool Has(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined);
}
