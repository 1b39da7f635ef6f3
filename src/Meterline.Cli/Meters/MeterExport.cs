using System.CommandLine;
using Meterline.Cli.Api;
using Meterline.Cli.Dlms;
using Meterline.Cli.Serve;

namespace Meterline.Cli.Meters;

/// <summary>
/// `meterline meters export-installation SERIAL --out FILE`: writes what a meter needs at installation — its keys and
/// the head-end's public signing key — to a file of mode 0600, audited as key.exported. The API does not serve this
/// (it has no authentication yet, and the document holds keys): the command opens the node's database and key
/// provider itself, so it runs where the key-encryption key is, with the same --db / --key-file options as serve.
/// </summary>
internal static class MeterExport
{
    public static Command Create(ApiConnectionOptions api, TextWriter output, TextWriter error)
    {
        var storage = new LocalNodeOptions();
        var serial = new Argument<string>("serial") { Description = "The meter's serial number" };
        var file = new Option<FileInfo>("--out") { Description = "The file to write (mode 0600; replaced if it exists)", Required = true };
        var generation = new Option<int?>("--generation") { Description = "The key generation (default: a pending rotation's, else the current one)" };
        var command = new Command("export-installation", "Write a meter's installation document (its keys) to a file, from the node's own database and key provider")
        {
            serial, file, generation,
        };
        storage.AddTo(command);

        command.SetAction((result, cancellationToken) => ApiCommand.RunAsync(error, async () =>
        {
            var options = storage.ToOptions(result);
            var actor = result.GetValue(api.Actor)!;
            await using var node = await ServeCommand.OpenNodeAsync(options, cancellationToken).ConfigureAwait(false);
            var meter = await node.Meters.FindBySerialAsync(result.GetValue(serial)!, cancellationToken).ConfigureAwait(false)
                ?? throw new CommandException($"no meter has serial '{result.GetValue(serial)}'", ApiExitCodes.Refused);
            var path = result.GetValue(file)!.FullName;
            try
            {
                await node.Provisioner.ExportInstallationAsync(meter.Id, path, actor, result.GetValue(generation), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (LocalNodeOptions.IsFailure(e))
            {
                throw new CommandException($"cannot export the installation document of {meter.Serial}: {e.Message}", ApiExitCodes.Failed);
            }

            await output.WriteLineAsync($"installation document of {meter.Serial} written to {path} (mode 0600; it holds the meter's keys)").ConfigureAwait(false);
            return ApiExitCodes.Ok;
        }));
        return command;
    }
}
