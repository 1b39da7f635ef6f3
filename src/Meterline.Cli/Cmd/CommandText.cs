using System.Globalization;
using System.Text.Json;
using Meterline.Cli.Api;
using Meterline.Cli.Meters;
using Spectre.Console;

namespace Meterline.Cli.Cmd;

/// <summary>How a command is shown: one status line, then its result (registers read as a table, other results as fields).</summary>
internal static class CommandText
{
    public static string StatusLine(JsonElement command) => string.Create(CultureInfo.InvariantCulture,
        $"command {JsonFields.Text(command, "id")} {JsonFields.Text(command, "kind")} {JsonFields.Text(command, "serial")}: {JsonFields.Text(command, "state")}");

    public static void Print(IAnsiConsole console, JsonElement command)
    {
        console.WriteLine(StatusLine(command));
        var grid = new Grid().AddColumn().AddColumn();
        foreach (var (label, name) in new[] { ("requested by", "requestedBy"), ("requested at", "requestedAt"), ("not before", "notBefore"), ("deadline", "deadline"), ("sent at", "sentAt"), ("completed at", "completedAt") })
        {
            if (JsonFields.Text(command, name) is var value && value != "-")
            {
                grid.AddRow(Markup.Escape(label), Markup.Escape(value));
            }
        }

        if (command.TryGetProperty("result", out var result) && result.ValueKind == JsonValueKind.Object)
        {
            foreach (var field in result.EnumerateObject())
            {
                if (field.Name == "registers" && field.Value.ValueKind == JsonValueKind.Array)
                {
                    continue;
                }

                grid.AddRow(Markup.Escape(field.Name), Markup.Escape(JsonFields.Format(field.Value)));
            }
        }

        console.Write(grid);
        if (result.ValueKind == JsonValueKind.Object && result.TryGetProperty("registers", out var registers) && registers.ValueKind == JsonValueKind.Array && registers.GetArrayLength() > 0)
        {
            var table = new Table().AddColumns("OBIS", "Value", "Unit");
            foreach (var register in registers.EnumerateArray())
            {
                table.AddRow(MetersCommand.Cells(register, "obis", "value", "unit"));
            }

            console.Write(table);
        }
    }

    /// <summary>The exit code of a command's state: Confirmed (or still under way, not waited for) 0, Failed 2, TimedOut 4, Cancelled 5.</summary>
    public static int ExitCode(JsonElement command) => JsonFields.Text(command, "state") switch
    {
        "Failed" => ApiExitCodes.Failed,
        "TimedOut" => ApiExitCodes.TimedOut,
        "Cancelled" => ApiExitCodes.Cancelled,
        _ => ApiExitCodes.Ok,
    };

    public static bool IsFinal(JsonElement command) => JsonFields.Text(command, "state") is "Confirmed" or "Failed" or "TimedOut" or "Cancelled";
}
