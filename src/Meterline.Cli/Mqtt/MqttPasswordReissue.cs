using System.CommandLine;
using Meterline.Cli.Api;
using Meterline.Cli.Dlms;
using Meterline.Cli.Meters;
using Meterline.Cli.Serve;

namespace Meterline.Cli.Mqtt;

/// <summary>
/// `meterline mqtt password reissue SERIAL --out FILE`: gives the meter a fresh MQTT password (from the CSPRNG, wrapped
/// by the node's key provider in place of the old one, audited as mqtt.password.reissued) and writes its installation
/// document — which carries the new password — to FILE (mode 0600, audited as key.exported). The password is never
/// printed. The embedded broker takes only the new password from the next login on; an external broker needs its
/// password file written again (<c>meterline mqtt broker-config</c>).
/// </summary>
internal static class MqttPasswordReissue
{
    public static Command Create(ApiConnectionOptions api, TextWriter output, TextWriter error)
    {
        var storage = new LocalNodeOptions();
        var serial = new Argument<string>("serial") { Description = "The meter's serial number" };
        var file = new Option<FileInfo>("--out") { Description = "Where to write the meter's installation document with the new password (mode 0600; replaced if it exists)", Required = true };
        var command = new Command("reissue", "Issue a meter a new MQTT password (the old one stops working) and write its installation document")
        {
            serial, file,
        };
        storage.AddTo(command);
        command.SetAction((result, cancellationToken) => ApiCommand.RunAsync(error, async () =>
        {
            var actor = result.GetValue(api.Actor)!;
            await using var node = await ServeCommand.OpenNodeAsync(storage.ToOptions(result), cancellationToken).ConfigureAwait(false);
            var meter = await node.Meters.FindBySerialAsync(result.GetValue(serial)!, cancellationToken).ConfigureAwait(false)
                ?? throw new CommandException($"no meter has serial '{result.GetValue(serial)}'", ApiExitCodes.Refused);
            var path = result.GetValue(file)!.FullName;
            try
            {
                await node.Provisioner.ReissueMqttPasswordAsync(meter.Id, actor, cancellationToken).ConfigureAwait(false);
                await node.Provisioner.ExportInstallationAsync(meter.Id, path, actor, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (LocalNodeOptions.IsFailure(e))
            {
                throw new CommandException($"cannot re-issue the MQTT password of {meter.Serial}: {e.Message}", ApiExitCodes.Failed);
            }

            await output.WriteLineAsync($"MQTT password of {meter.Serial} re-issued (user name and client id {meter.SystemTitle}); the old one no longer logs in to the embedded broker").ConfigureAwait(false);
            await output.WriteLineAsync($"installation document with the new password written to {path} (mode 0600); for an external broker, run `meterline mqtt broker-config` again").ConfigureAwait(false);
            return ApiExitCodes.Ok;
        }));
        return command;
    }
}
