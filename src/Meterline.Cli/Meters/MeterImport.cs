using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Meterline.Cli.Api;
using Meterline.Cli.Dlms;
using Meterline.HeadEnd.Provisioning;
using Spectre.Console;

namespace Meterline.Cli.Meters;

/// <summary>
/// `meterline meters import FILE`: checks the provisioning file here first (as the head-end will: a bad file is
/// refused whole, before anything is sent), then sends it in batches of <c>--batch</c> meters, showing progress,
/// and prints what happened to each meter that was not added. The file holds keys: send it only to a head-end over
/// a link you trust (the API has no authentication yet).
/// </summary>
internal static class MeterImport
{
    public static Command Create(ApiConnectionOptions api, TextWriter output, TextWriter error)
    {
        var file = new Argument<FileInfo>("file") { Description = "A provisioning file (format version 1, e.g. the simulator's fleet.json)" };
        var batch = new Option<int>("--batch") { Description = "Meters per request (1 to 5000)", DefaultValueFactory = _ => 500 };
        var command = new Command("import", "Import a provisioning file (meters with their keys) in batches, with progress") { file, batch };
        command.SetAction((result, cancellationToken) => ApiCommand.RunAsync(error, async () =>
        {
            var size = result.GetValue(batch);
            if (size is < 1 or > 5000)
            {
                throw new CommandException("--batch is 1 to 5000", ApiExitCodes.Usage);
            }

            var path = result.GetValue(file)!.FullName;
            Validate(path);
            using var batches = ProvisioningBatches.Read(path, ProvisioningFileReader.MaxFileBytes);
            using var client = api.CreateClient(result, TimeSpan.FromMinutes(5));
            var results = new List<JsonElement>(batches.Count);
            var console = CliConsole.For(output);
            if (CliConsole.IsInteractive(output))
            {
                await console.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                    .StartAsync(async context =>
                    {
                        var task = context.AddTask($"importing {batches.Count} meters", maxValue: batches.Count);
                        await SendAsync(client, batches, size, results, done => task.Value = done, cancellationToken).ConfigureAwait(false);
                    }).ConfigureAwait(false);
            }
            else
            {
                await SendAsync(client, batches, size, results, done => console.WriteLine(Progress(done, batches.Count, results)), cancellationToken).ConfigureAwait(false);
            }

            return Report(console, results);
        }));
        return command;
    }

    private static void Validate(string path)
    {
        try
        {
            using var checkedFile = ProvisioningFileReader.Read(path);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw new CommandException($"{path}: {(e is InvalidDataException ? e.Message.Replace(path + ": ", string.Empty, StringComparison.Ordinal) : e.Message)}; nothing was imported", ApiExitCodes.Usage);
        }
    }

    private static async Task SendAsync(HeadEndClient client, ProvisioningBatches batches, int size, List<JsonElement> results, Action<int> progress, CancellationToken cancellationToken)
    {
        for (var first = 0; first < batches.Count; first += size)
        {
            var body = batches.Batch(first, size);
            try
            {
                var report = await client.PostJsonAsync("/api/meters/import", body, cancellationToken).ConfigureAwait(false);
                results.AddRange(JsonFields.Items(report.Body, "results"));
            }
            catch (CommandException e) when (first > 0)
            {
                throw new CommandException(string.Create(CultureInfo.InvariantCulture,
                    $"batch of meters {first + 1}-{Math.Min(first + size, batches.Count)} failed: {e.Message}; the {first} meters before it were imported (importing again skips them)"), e.ExitCode);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(body);
            }

            progress(Math.Min(first + size, batches.Count));
        }
    }

    private static string Progress(int done, int total, List<JsonElement> results) => string.Create(CultureInfo.InvariantCulture,
        $"imported {done}/{total} meters: {Count(results, "Added")} added, {Count(results, "Skipped")} skipped, {Count(results, "Refused")} refused");

    private static int Report(IAnsiConsole console, List<JsonElement> results)
    {
        var refused = results.Where(r => JsonFields.Text(r, "outcome") == "Refused").ToList();
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{results.Count} meters: {Count(results, "Added")} added, {Count(results, "Skipped")} skipped (already registered with the same keys), {refused.Count} refused"));
        if (refused.Count == 0)
        {
            return ApiExitCodes.Ok;
        }

        var table = new Table().AddColumns("Serial", "Why refused");
        foreach (var meter in refused.Take(50))
        {
            table.AddRow(MetersCommand.Cells(meter, "serial", "reason"));
        }

        console.Write(table);
        if (refused.Count > 50)
        {
            console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"and {refused.Count - 50} more refused"));
        }

        return ApiExitCodes.Refused;
    }

    private static int Count(List<JsonElement> results, string outcome) => results.Count(r => JsonFields.Text(r, "outcome") == outcome);
}
