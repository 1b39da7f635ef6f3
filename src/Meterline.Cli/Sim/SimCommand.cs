using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Meterline.Cli.Dlms;
using Meterline.Simulator.Fleet;
using Meterline.Simulator.Hosting;
using Meterline.Simulator.Push;
using Meterline.Simulator.Scenarios;
using Meterline.Simulator.Time;

namespace Meterline.Cli.Sim;

/// <summary>
/// `meterline sim`: a fleet of simulated meters on the network — served over DLMS/TCP, pushing to a head-end, with
/// scenarios — in accelerated time. Prints where the meters listen and where the provisioning file is, then shows
/// progress until Ctrl+C or the end of <c>--duration</c> (simulated time), and saves every meter's state.
/// </summary>
internal static class SimCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var meters = new Option<int>("--meters") { Description = $"Number of meters (1 to {Simulator.Provisioning.FleetLayout.MaxMeters})", DefaultValueFactory = _ => 10 };
        var speed = new Option<double>("--speed") { Description = "Simulated seconds per real second (1 to 100000)", DefaultValueFactory = _ => 1 };
        var start = new Option<DateTimeOffset?>("--start") { Description = "Simulated start instant, ISO 8601 (default: now)" };
        var profile = new Option<string>("--profile") { Description = "Meter profile file", DefaultValueFactory = _ => Path.Combine("profiles", "is15959-single-phase.json") };
        var provisioning = new Option<string>("--provisioning") { Description = "Provisioning file for the head-end (kept across runs: same keys)", DefaultValueFactory = _ => "fleet.json" };
        var stateDir = new Option<string>("--state-dir") { Description = "Directory of the meters' non-volatile state", DefaultValueFactory = _ => "sim-state" };
        var listen = new Option<string>("--listen") { Description = "Address to listen on", DefaultValueFactory = _ => "127.0.0.1" };
        var advertise = new Option<string?>("--advertise") { Description = "Host written to the provisioning file (default: the --listen address)" };
        var port = new Option<int>("--port") { Description = "Shared DLMS/TCP port, or the first of the per-meter ports", DefaultValueFactory = _ => 4059 };
        var portPerMeter = new Option<bool>("--port-per-meter") { Description = "One port per meter (port + index) instead of one shared port routed by address" };
        var framing = new Option<string>("--framing") { Description = "wrapper or hdlc", DefaultValueFactory = _ => "wrapper" };
        var push = new Option<string?>("--push") { Description = "Push destination: tcp://host:port, udp://host:port, coap://host:port (meters then served over CoAP, endpoint coap://…/m/SERIAL) or mqtt://host:port (each meter a client of that broker, endpoint mqtt://TITLE) (default: none; pushes stay queued)" };
        var scenario = new Option<string[]>("--scenario") { Description = "A scenario, e.g. magnet:meter=3:at=2026-01-02T10:00Z:for=2h (repeatable; see docs/simulator.md)" };
        var seed = new Option<int>("--seed") { Description = "Seed of the households and the grid", DefaultValueFactory = _ => 1 };
        var duration = new Option<string?>("--duration") { Description = "Stop after this much SIMULATED time, e.g. 90s, 30m, 2h, 1d (default: run until Ctrl+C)" };
        var interval = new Option<double>("--status-interval") { Description = "Seconds between status lines when the output is not a terminal", DefaultValueFactory = _ => 5 };
        var transport = new Option<string>("--transport") { Description = "tcp (DLMS/TCP, pushes to --push) or zigbee (every meter also has a radio behind an emulated XBee coordinator on a pseudo-terminal, and pushes over it)", DefaultValueFactory = _ => "tcp" };
        var zigbeeLoss = new Option<double>("--zigbee-loss") { Description = "With --transport zigbee: the share of frames lost on the air, 0 to 0.5", DefaultValueFactory = _ => 0 };
        var hesPublicKey = new Option<string?>("--hes-public-key") { Description = "The head-end's public key (PEM); meters provisioned now, and meters trusting no key yet, get it and then demand signed relay, key and calendar commands" };
        var apiMode = new Option<int>("--api-mode") { Description = "With --transport zigbee: the coordinator's XBee API mode, 1 or 2 (escaped)", DefaultValueFactory = _ => 1 };
        var transformers = new Option<string?>("--transformers") { Description = "Group the meters as consumers under distribution transformers of MIN-MAX consumers (e.g. 25-50), each with a meter of its total (docs/simulator.md \"Topology and transformer meters\")" };
        var theftShare = new Option<double>("--theft-share") { Description = "With --transformers and --duration: the share of consumer meters that steal, 0 to 1 (docs/simulator.md \"Theft injection\")", DefaultValueFactory = _ => 0 };
        var theftMix = new Option<string>("--theft-mix") { Description = "Pattern weights, e.g. bypass=1,magnet=1,neutral=1,reversed=1", DefaultValueFactory = _ => "bypass=1,magnet=1,neutral=1,reversed=1" };
        var theftSeed = new Option<int>("--theft-seed") { Description = "Seeds the thieves, their patterns and times", DefaultValueFactory = _ => 1 };
        var truth = new Option<string?>("--truth") { Description = "Where the thefts' ground truth is written (never into the provisioning file)" };
        var command = new Command("sim", "Run a fleet of simulated meters on the network (DLMS/TCP, pushes, scenarios) in accelerated time")
        {
            meters, speed, start, profile, provisioning, stateDir, listen, advertise, port, portPerMeter, framing, push, scenario, seed, duration, interval,
            transport, zigbeeLoss, apiMode, hesPublicKey, transformers, theftShare, theftMix, theftSeed, truth,
        };
        command.Subcommands.Add(SimAttackCommand.Create(output, error));
        command.SetAction(async (result, cancellationToken) =>
        {
            try
            {
                var options = Build(result);
                var simulatedDuration = ParseDuration(result.GetValue(duration));
                if (result.GetValue(transformers) is { } perTransformer)
                {
                    var (min, max) = Detection.DetectionReportCommand.Range(perTransformer);
                    options = options with { Topology = new Simulator.Topology.TopologyOptions { MinConsumersPerTransformer = min, MaxConsumersPerTransformer = max } };
                }

                if (result.GetValue(theftShare) is var share && share != 0)
                {
                    if (options.Topology is null || simulatedDuration is null || !(share > 0 && share <= 1))
                    {
                        throw new CommandException("--theft-share (more than 0, at most 1) needs --transformers and --duration", ExitCodes.Usage);
                    }

                    options = options with
                    {
                        Thefts = new Simulator.Theft.TheftOptions { Share = share, Mix = Detection.DetectionReportCommand.Mix(result.GetValue(theftMix)!) },
                        TheftSeed = result.GetValue(theftSeed),
                        RunLength = simulatedDuration,
                        TruthPath = result.GetValue(truth) ?? "truth.json",
                    };
                }

                var statusInterval = result.GetValue(interval);
                if (!(statusInterval >= 0.1 && statusInterval <= 3600))
                {
                    throw new CommandException("--status-interval is 0.1 to 3600 seconds", ExitCodes.Usage);
                }

                return await RunAsync(options, simulatedDuration, TimeSpan.FromSeconds(statusInterval), output, cancellationToken).ConfigureAwait(false);
            }
            catch (CommandException e)
            {
                await error.WriteLineAsync("error: " + e.Message).ConfigureAwait(false);
                return e.ExitCode;
            }
        });
        return command;

        FleetSimulatorOptions Build(ParseResult result)
        {
            var count = result.GetValue(meters);
            if (count < 1 || count > Simulator.Provisioning.FleetLayout.MaxMeters)
            {
                throw new CommandException($"--meters is 1 to {Simulator.Provisioning.FleetLayout.MaxMeters}", ExitCodes.Usage);
            }

            var rate = result.GetValue(speed);
            if (!(rate >= 1 && rate <= AcceleratedTimeProvider.MaxSpeed))
            {
                throw new CommandException("--speed is 1 to 100000", ExitCodes.Usage);
            }

            if (!IPAddress.TryParse(result.GetValue(listen), out var address))
            {
                throw new CommandException($"--listen '{result.GetValue(listen)}' is not an IP address", ExitCodes.Usage);
            }

            var firstPort = result.GetValue(port);
            var perMeter = result.GetValue(portPerMeter);
            if (firstPort < 0 || firstPort > ushort.MaxValue || (perMeter && firstPort > 0 && firstPort + count - 1 > ushort.MaxValue))
            {
                throw new CommandException("--port (plus one per meter with --port-per-meter) must stay within 0 to 65535", ExitCodes.Usage);
            }

            var fleetFraming = result.GetValue(framing) switch
            {
                "wrapper" => FleetFraming.Wrapper,
                "hdlc" => FleetFraming.Hdlc,
                var other => throw new CommandException($"--framing '{other}' is wrapper or hdlc", ExitCodes.Usage),
            };
            PushDestination? destination = null;
            if (result.GetValue(push) is { } uri && !PushDestination.TryParse(uri, out destination, out var pushError))
            {
                throw new CommandException("--push: " + pushError, ExitCodes.Usage);
            }

            var scenarios = new List<Scenario>();
            foreach (var text in result.GetValue(scenario) ?? [])
            {
                if (!ScenarioParser.TryParse(text, out var parsed, out var scenarioError))
                {
                    throw new CommandException($"--scenario '{text}': {scenarioError}", ExitCodes.Usage);
                }

                if (ScenarioParser.CheckFleet(parsed, count) is { } fleetError)
                {
                    throw new CommandException($"--scenario '{text}': {fleetError}", ExitCodes.Usage);
                }

                scenarios.Add(parsed);
            }

            var profilePath = result.GetValue(profile)!;
            if (!File.Exists(profilePath))
            {
                throw new CommandException($"--profile: no file {profilePath}", ExitCodes.Usage);
            }

            Simulator.Radio.ZigbeeFleetOptions? radio = result.GetValue(transport) switch
            {
                "tcp" => null,
                "zigbee" => new Simulator.Radio.ZigbeeFleetOptions
                {
                    ApiMode = result.GetValue(apiMode) switch
                    {
                        1 => Zigbee.Frames.XBeeApiMode.Api,
                        2 => Zigbee.Frames.XBeeApiMode.ApiEscaped,
                        _ => throw new CommandException("--api-mode is 1 or 2", ExitCodes.Usage),
                    },
                    Link = new Zigbee.Emulator.LinkModel
                    {
                        LossRate = result.GetValue(zigbeeLoss) is var loss and >= 0 and <= 0.5 ? loss : throw new CommandException("--zigbee-loss is 0 to 0.5", ExitCodes.Usage),
                    },
                },
                var other => throw new CommandException($"--transport is tcp or zigbee, not '{other}'", ExitCodes.Usage),
            };

            ReadOnlyMemory<byte> trustAnchor = default;
            if (result.GetValue(hesPublicKey) is { } keyPath)
            {
                try
                {
                    trustAnchor = Simulator.Provisioning.HesPublicKeyPem.Read(keyPath);
                }
                catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
                {
                    throw new CommandException("--hes-public-key: " + e.Message, ExitCodes.Usage);
                }
            }

            return new FleetSimulatorOptions
            {
                Radio = radio,
                Meters = count,
                Speed = rate,
                Start = result.GetValue(start) ?? TruncateToMinute(DateTimeOffset.UtcNow),
                ProfilePath = profilePath,
                ProvisioningPath = result.GetValue(provisioning)!,
                StateDirectory = result.GetValue(stateDir)!,
                AdvertisedHost = result.GetValue(advertise) ?? address.ToString(),
                Hosting = new FleetHostOptions { ListenAddress = address, Port = firstPort, PortPerMeter = perMeter, Framing = fleetFraming },
                Push = destination,
                Scenarios = scenarios,
                Seed = result.GetValue(seed),
                HesPublicKey = trustAnchor,
            };
        }
    }

    private static TimeSpan? ParseDuration(string? text)
    {
        if (text is null)
        {
            return null;
        }

        return ScenarioParser.TryParseDuration(text, out var span, out var error)
            ? span
            : throw new CommandException("--duration " + error, ExitCodes.Usage);
    }

    private static DateTimeOffset TruncateToMinute(DateTimeOffset instant) =>
        new(instant.Ticks - (instant.Ticks % TimeSpan.TicksPerMinute), TimeSpan.Zero);

    private static async Task<int> RunAsync(FleetSimulatorOptions options, TimeSpan? duration, TimeSpan statusInterval, TextWriter output, CancellationToken cancellationToken)
    {
        FleetSimulator fleet;
        try
        {
            fleet = await FleetSimulator.StartAsync(options, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            throw new CommandException($"Cannot listen on {options.Hosting.ListenAddress} port {options.Hosting.Port}: {e.SocketErrorCode}", ExitCodes.Failed);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            throw new CommandException(e.Message, ExitCodes.Failed);
        }

        await using (fleet.ConfigureAwait(false))
        {
            SimReport.PrintStart(fleet, options, duration, output);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var running = fleet.RunAsync(stop.Token);
            var ending = duration is { } span ? Task.Delay(span, fleet.Time, stop.Token) : Task.Delay(Timeout.Infinite, stop.Token);
            await SimProgress.ShowAsync(fleet, output, statusInterval, Task.WhenAny(running, ending), stop.Token).ConfigureAwait(false);
            await stop.CancelAsync().ConfigureAwait(false);
            await running.ConfigureAwait(false);
            SimReport.PrintEnd(fleet, output);
        }

        return ExitCodes.Ok;
    }
}
