using System.CommandLine;
using Meterline.Cli.Dlms;
using Meterline.Cli.Serve;
using Meterline.HeadEnd.Commands;
using Meterline.Simulator.Provisioning;
using Meterline.Simulator.Time;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Meterline.Cli.Demo;

/// <summary>
/// <c>meterline demo</c>: on a fresh machine, one command runs a head-end on SQLite (with an embedded MQTT broker and
/// a CoAP ingress), a simulated fleet pushing to it over DLMS/TCP, MQTT, CoAP and an emulated Zigbee coordinator on a
/// pty, and a scripted story — readings arriving, a tamper
/// alarm, a remote disconnect confirmed with the relay read back — and prints where to look (the REST API, the
/// database, the pty) until Ctrl+C or <c>--seconds</c>. Exit code 0, or 2 when the disconnect failed or timed out.
/// </summary>
internal static class DemoCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var defaults = new DemoOptions();
        var data = new Option<string>("--data") { Description = "Data directory (database, key file, provisioning file, meter state); reused when it exists", DefaultValueFactory = _ => defaults.DataDirectory };
        var fresh = new Option<bool>("--fresh") { Description = "Delete what an earlier demo left in the data directory first" };
        var meters = new Option<int>("--meters") { Description = $"Meters in the simulated fleet (1 to {FleetLayout.MaxMeters})", DefaultValueFactory = _ => defaults.Meters };
        var zigbee = new Option<int?>("--zigbee-meters") { Description = "How many of them (the last ones) are on Zigbee radios behind the emulated coordinator (default: a fifth; 0 for none)" };
        var mqtt = new Option<int?>("--mqtt-meters") { Description = "How many meters (after the DLMS/TCP ones) are MQTT clients of the head-end's embedded broker (default: a fifth; 0 for none)" };
        var coap = new Option<int?>("--coap-meters") { Description = "How many meters (after the MQTT ones) push over CoAP and are served over CoAP (default: a fifth; 0 for none)" };
        var speed = new Option<double>("--speed") { Description = "Simulated seconds per real second (1 to 100000); at 60 a 15-minute interval closes every 15 s", DefaultValueFactory = _ => defaults.Speed };
        var listen = new Option<string>("--listen") { Description = "URL of the web API", DefaultValueFactory = _ => defaults.Listen };
        var httpsListen = new Option<string>("--https-listen") { Description = "URL of the web API and operator app over HTTPS, with the demo's self-signed certificate; \"none\" for none (e.g. https://127.0.0.1:9443)", DefaultValueFactory = _ => defaults.HttpsListen ?? "none" };
        var seconds = new Option<double?>("--seconds") { Description = "Stop after this many (real) seconds (default: run until Ctrl+C)" };
        var tamperAfter = new Option<double>("--tamper-after") { Description = "Real seconds into the run at which the magnet is put on the first meter", DefaultValueFactory = _ => defaults.TamperAfter.TotalSeconds };
        var profiles = new Option<string?>("--profiles") { Description = "Directory of meter profiles (*.json); default: ./profiles, else the one installed beside meterline" };
        var statusInterval = new Option<double>("--status-interval") { Description = "Seconds between status lines when the output is not a terminal", DefaultValueFactory = _ => defaults.StatusInterval.TotalSeconds };
        var logLevel = new Option<string>("--log-level") { Description = "Least level the head-end logs: trace, debug, information, warning, error", DefaultValueFactory = _ => "error" }
            .AcceptOnlyFromAmong("trace", "debug", "information", "warning", "error", "critical");
        var command = new Command("demo", "Run the whole system on this machine: a head-end on SQLite with an embedded MQTT broker and a CoAP ingress, a simulated fleet over DLMS/TCP, MQTT, CoAP and Zigbee, and a tamper-and-disconnect story")
        {
            data, fresh, meters, zigbee, mqtt, coap, speed, listen, httpsListen, seconds, tamperAfter, profiles, statusInterval, logLevel,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            try
            {
                var count = result.GetValue(meters);
                var options = new DemoOptions
                {
                    DataDirectory = result.GetValue(data) is { Length: > 0 } directory ? directory : throw new CommandException("--data needs a directory", ExitCodes.Usage),
                    Fresh = result.GetValue(fresh),
                    Meters = count is >= 1 and <= FleetLayout.MaxMeters ? count : throw new CommandException($"--meters is 1 to {FleetLayout.MaxMeters}", ExitCodes.Usage),
                    ZigbeeMeters = Share(result.GetValue(zigbee), count, "--zigbee-meters"),
                    MqttMeters = Share(result.GetValue(mqtt), count, "--mqtt-meters"),
                    CoapMeters = Share(result.GetValue(coap), count, "--coap-meters"),
                    Speed = result.GetValue(speed) is var rate && rate >= 1 && rate <= AcceleratedTimeProvider.MaxSpeed ? rate : throw new CommandException("--speed is 1 to 100000", ExitCodes.Usage),
                    Listen = Uri.TryCreate(result.GetValue(listen), UriKind.Absolute, out var url) && url.Scheme is "http" or "https"
                        ? result.GetValue(listen)!
                        : throw new CommandException($"--listen {result.GetValue(listen)}: not an http(s) URL", ExitCodes.Usage),
                    HttpsListen = result.GetValue(httpsListen) is "none"
                        ? null
                        : Uri.TryCreate(result.GetValue(httpsListen), UriKind.Absolute, out var secure) && secure.Scheme == "https"
                            ? result.GetValue(httpsListen)
                            : throw new CommandException($"--https-listen {result.GetValue(httpsListen)}: not an https URL (or none)", ExitCodes.Usage),
                    Duration = result.GetValue(seconds) is { } limit
                        ? (limit > 0 && limit <= 7 * 24 * 3600 ? TimeSpan.FromSeconds(limit) : throw new CommandException("--seconds is more than 0, at most a week", ExitCodes.Usage))
                        : null,
                    TamperAfter = result.GetValue(tamperAfter) is var after && after >= 0 && after <= 3600 ? TimeSpan.FromSeconds(after) : throw new CommandException("--tamper-after is 0 to 3600 seconds", ExitCodes.Usage),
                    ProfilesDirectory = ServeOptions.ProfilesDirectory(result.GetValue(profiles)),
                    StatusInterval = result.GetValue(statusInterval) is var interval && interval >= 0.1 && interval <= 3600 ? TimeSpan.FromSeconds(interval) : throw new CommandException("--status-interval is 0.1 to 3600 seconds", ExitCodes.Usage),
                    LogLevel = Enum.Parse<Microsoft.Extensions.Logging.LogLevel>(result.GetValue(logLevel)!, ignoreCase: true),
                };
                if (options.TcpMeters < 1)
                {
                    throw new CommandException("--zigbee-meters, --mqtt-meters and --coap-meters together are at most one less than --meters (the first meter stays on DLMS/TCP)", ExitCodes.Usage);
                }

                if (!File.Exists(Path.Combine(options.ProfilesDirectory, DemoOptions.ProfileFile)))
                {
                    throw new CommandException($"no meter profile {DemoOptions.ProfileFile} in {Path.GetFullPath(options.ProfilesDirectory)} (--profiles)", ExitCodes.Usage);
                }

                return await RunAsync(options, output, cancellationToken).ConfigureAwait(false);
            }
            catch (CommandException e)
            {
                await error.WriteLineAsync("error: " + e.Message).ConfigureAwait(false);
                return e.ExitCode;
            }
        });
        return command;
    }

    /// <summary>A transport's share of the fleet: as given (0 to one less than the meters), else a fifth.</summary>
    private static int Share(int? given, int meters, string option) => given is { } count
        ? (count >= 0 && count < meters ? count : throw new CommandException($"{option} is 0 to one less than --meters (the first meter stays on DLMS/TCP)", ExitCodes.Usage))
        : meters / 5;

    private static async Task<int> RunAsync(DemoOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        var session = await DemoSession.StartAsync(options, cancellationToken).ConfigureAwait(false);
        await using (session.ConfigureAwait(false))
        {
            DemoReport.PrintStart(session, output);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (options.Duration is { } duration)
            {
                stop.CancelAfter(duration);
            }

            session.Run(stop.Token);
            var until = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

            // The node stops itself when one of its services ends on its own (HeadEndLoopService): the demo ends too.
            var nodeStopping = session.App.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            await using (stop.Token.Register(() => until.TrySetResult()).ConfigureAwait(false))
            await using (nodeStopping.Register(() => until.TrySetResult()).ConfigureAwait(false))
            {
                await DemoProgress.ShowAsync(session, output, options.StatusInterval, until.Task).ConfigureAwait(false);
            }

            var nodeFailed = nodeStopping.IsCancellationRequested;
            await session.StopAsync().ConfigureAwait(false);
            var disconnect = session.Story.Disconnect.IsCompleted ? await session.Story.Disconnect.ConfigureAwait(false) : null;
            while (session.Story.Lines.TryRead(out var line))
            {
                await output.WriteLineAsync(DemoReport.StoryText(line)).ConfigureAwait(false);
            }

            DemoReport.PrintEnd(session, disconnect, output);
            if (nodeFailed)
            {
                await output.WriteLineAsync("the head-end node stopped because one of its services ended (see the log above)").ConfigureAwait(false);
                return ExitCodes.Failed;
            }

            return disconnect is { State: CommandState.Failed or CommandState.TimedOut } ? ExitCodes.Failed : ExitCodes.Ok;
        }
    }
}
