using System.CommandLine;
using System.Globalization;
using System.Net;
using Meterline.Cli.Dlms;
using Meterline.Dlms.Links;
using Meterline.Gateway;
using Meterline.Gateway.Mqtt;
using Meterline.Gateway.Wrapper;
using Meterline.Zigbee;

namespace Meterline.Cli.Gateway;

/// <summary>
/// <c>meterline gateway</c>: the data concentrator. Owns the Zigbee coordinator on a serial port, serves the head-end
/// over TCP with the DLMS/COSEM gateway protocol (each meter named by its 64-bit radio address), and forwards the
/// meters' pushes to the head-end's push receiver — or, with <c>--broker</c>, bridges the meters to an MQTT broker so the
/// head-end reaches them as MQTT meters (docs/zigbee.md, "The gateway on the broker"). With <c>--wrapper-listen</c> (and
/// <c>--broker</c>) meters on DLMS/TCP links connect to the gateway too, and are bridged the same way; such a gateway
/// needs no serial port.
/// </summary>
internal static class GatewayCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var serial = new Option<string?>("--serial") { Description = "The coordinator's serial device, e.g. /dev/ttyUSB0 (or the pty `meterline sim --transport zigbee` prints); optional with --wrapper-listen" };
        var baud = new Option<int>("--baud") { Description = "Serial speed (8N1, no handshake)", DefaultValueFactory = _ => 9600 };
        var listen = new Option<string>("--listen") { Description = "Where the head-end connects (gateway protocol over the IEC 62056-47 wrapper)", DefaultValueFactory = _ => "127.0.0.1:4061" };
        var push = new Option<string?>("--push") { Description = "Where to forward the meters' pushes: tcp://host:port (the head-end's push receiver); default: none" };
        var seconds = new Option<double?>("--seconds") { Description = "Stop after this many seconds (default: run until Ctrl+C)" };
        var broker = new Option<string?>("--broker") { Description = "Bridge the meters to this MQTT broker: mqtt://host:port or mqtts://host:port (instead of --push)" };
        var brokerUser = new Option<string?>("--broker-user") { Description = "The gateway's account at the broker (its ACL grants only its meters' topics)" };
        var brokerPasswordFile = new Option<string?>("--broker-password-file") { Description = "File holding the gateway's broker password (one line)" };
        var meters = new Option<string?>("--meters") { Description = "The gateway's meters for --broker: a text file, one 'SYSTEMTITLE RADIO' line each (16 hex digits each)" };
        var spool = new Option<string?>("--spool") { Description = "With --broker: the durable spool file; every push is flushed to it before it is published, and those not yet published are published first at the next start" };
        var wrapperListen = new Option<string?>("--wrapper-listen") { Description = "With --broker: where meters connect over DLMS/TCP (IEC 62056-47 wrapper), e.g. 0.0.0.0:4059; their pushes and answers are bridged like the Zigbee meters'" };
        var wrapperMaxConnections = new Option<int>("--wrapper-max-connections") { Description = "With --wrapper-listen: meters connected at once", DefaultValueFactory = _ => 1024 };
        var keepTimeout = new Option<double?>("--keep-timeout") { Description = "With --wrapper-listen: seconds a DLMS/TCP link waits for its push to be kept (flushed to the spool) before it closes, 1 to 3600 (default 30)" };
        var command = new Command("gateway", "Run the data concentrator: a Zigbee coordinator on a serial port, bridged to the head-end over TCP or through an MQTT broker")
        {
            serial, baud, listen, push, seconds, broker, brokerUser, brokerPasswordFile, meters, spool, wrapperListen, wrapperMaxConnections, keepTimeout,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            try
            {
                var endpoint = IPEndPoint.TryParse(result.GetValue(listen)!, out var parsed) && parsed.Address is not null
                    ? parsed
                    : throw new CommandException("--listen is address:port, e.g. 127.0.0.1:4061", ExitCodes.Usage);
                var rate = result.GetValue(baud);
                if (rate is < 1200 or > 1_000_000)
                {
                    throw new CommandException("--baud is 1200 to 1000000", ExitCodes.Usage);
                }

                (string Host, int Port)? forward = null;
                if (result.GetValue(push) is { } pushText)
                {
                    forward = Uri.TryCreate(pushText, UriKind.Absolute, out var uri) && uri.Scheme == "tcp" && uri.Port > 0
                        ? (uri.Host, uri.Port)
                        : throw new CommandException("--push is tcp://host:port", ExitCodes.Usage);
                }

                IPEndPoint? wrapperEndpoint = null;
                if (result.GetValue(wrapperListen) is { } wrapperText)
                {
                    wrapperEndpoint = IPEndPoint.TryParse(wrapperText, out var wrapperParsed) && wrapperParsed.Address is not null
                        ? wrapperParsed
                        : throw new CommandException("--wrapper-listen is address:port, e.g. 0.0.0.0:4059", ExitCodes.Usage);
                    if (result.GetValue(broker) is null)
                    {
                        throw new CommandException("--wrapper-listen goes with --broker: the DLMS/TCP meters are bridged to the broker", ExitCodes.Usage);
                    }
                }

                var maxLinks = result.GetValue(wrapperMaxConnections);
                if (maxLinks is < 1 or > 100_000)
                {
                    throw new CommandException("--wrapper-max-connections is 1 to 100000", ExitCodes.Usage);
                }

                var keep = new WrapperLinksOptions().KeepTimeout;
                if (result.GetValue(keepTimeout) is { } keepSeconds)
                {
                    keep = wrapperEndpoint is null ? throw new CommandException("--keep-timeout goes with --wrapper-listen", ExitCodes.Usage)
                        : keepSeconds is >= 1 and <= 3600 ? TimeSpan.FromSeconds(keepSeconds)
                        : throw new CommandException("--keep-timeout is 1 to 3600 seconds", ExitCodes.Usage);
                }

                var device = result.GetValue(serial);
                if (device is null && wrapperEndpoint is null)
                {
                    throw new CommandException("--serial is required (optional only with --wrapper-listen)", ExitCodes.Usage);
                }

                var limit = result.GetValue(seconds) is { } s ? (s > 0 ? TimeSpan.FromSeconds(s) : throw new CommandException("--seconds must be positive", ExitCodes.Usage)) : (TimeSpan?)null;
                var bridge = result.GetValue(broker) is { } brokerText
                    ? BridgeOptions(brokerText, result.GetValue(brokerUser), result.GetValue(brokerPasswordFile), result.GetValue(meters), result.GetValue(spool), forward is not null)
                    : result.GetValue(brokerUser) is not null || result.GetValue(brokerPasswordFile) is not null || result.GetValue(meters) is not null || result.GetValue(spool) is not null
                        ? throw new CommandException("--broker-user, --broker-password-file, --meters and --spool go with --broker", ExitCodes.Usage)
                        : null;
                (IPEndPoint Endpoint, WrapperLinksOptions Options)? wrapper = wrapperEndpoint is null ? null : (wrapperEndpoint, new WrapperLinksOptions { MaxConnections = maxLinks, KeepTimeout = keep });
                return device is null
                    ? await RunWrapperOnlyAsync(wrapper!.Value, bridge!, limit, output, cancellationToken).ConfigureAwait(false)
                    : await RunAsync(device, rate, endpoint, forward, bridge, wrapper, limit, output, cancellationToken).ConfigureAwait(false);
            }
            catch (CommandException e)
            {
                await error.WriteLineAsync("error: " + e.Message).ConfigureAwait(false);
                return e.ExitCode;
            }
        });
        return command;
    }

    /// <summary>The bridge's options from the command line; the password is read from its file, never printed.</summary>
    internal static MqttBridgeOptions BridgeOptions(string broker, string? user, string? passwordFile, string? metersFile, string? spool, bool alsoPush)
    {
        if (alsoPush)
        {
            throw new CommandException("--push and --broker exclude each other: the pushes go to one place", ExitCodes.Usage);
        }

        if (!Uri.TryCreate(broker, UriKind.Absolute, out var uri) || uri.Scheme is not ("mqtt" or "mqtts") || uri.Host.Length == 0
            || uri.AbsolutePath is not ("" or "/") || uri.UserInfo.Length != 0)
        {
            throw new CommandException("--broker is mqtt://host:port or mqtts://host:port", ExitCodes.Usage);
        }

        if (string.IsNullOrWhiteSpace(user) || passwordFile is null || metersFile is null)
        {
            throw new CommandException("--broker needs --broker-user, --broker-password-file and --meters", ExitCodes.Usage);
        }

        string password;
        IReadOnlyList<GatewayMeter> list;
        try
        {
            password = File.ReadAllText(passwordFile).TrimEnd('\r', '\n');
            list = GatewayMeterList.Read(metersFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CommandException($"Cannot read {e.Message}", ExitCodes.Usage);
        }
        catch (FormatException e)
        {
            throw new CommandException($"--meters {metersFile}: {e.Message}", ExitCodes.Usage);
        }

        if (password.Length == 0)
        {
            throw new CommandException($"--broker-password-file {passwordFile} is empty", ExitCodes.Usage);
        }

        return new MqttBridgeOptions
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port <= 0 ? (uri.Scheme == "mqtts" ? 8883 : 1883) : uri.Port,
            UseTls = uri.Scheme == "mqtts",
            UserName = user,
            Password = password,
            Meters = list,
            SpoolPath = spool,
        };
    }

    /// <summary>A gateway with no coordinator: only meters on DLMS/TCP links, bridged to the broker.</summary>
    private static async Task<int> RunWrapperOnlyAsync((IPEndPoint Endpoint, WrapperLinksOptions Options) wrapper, MqttBridgeOptions bridgeOptions, TimeSpan? limit, TextWriter output, CancellationToken cancellationToken)
    {
        var links = new WrapperMeterLinks(bridgeOptions.Meters.Select(m => m.SystemTitle), wrapper.Options);
        await using var bridge = new MqttBridge(null, links, bridgeOptions);
        var listener = ListenForMeters(wrapper.Endpoint);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"meterline gateway: DLMS/TCP meters on {listener.LocalEndpoint} (keep timeout {wrapper.Options.KeepTimeout.TotalSeconds} s); pushes: {Describe(bridgeOptions)}"));
        output.Flush();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (limit is { } span)
        {
            stop.CancelAfter(span);
        }

        await RunBridgeAsync(bridge, Serve(links, listener, bridge, stop.Token), stop.Token).ConfigureAwait(false);
        WriteCounters(output, bridge, links);
        return ExitCodes.Ok;
    }

    private static Task Serve(WrapperMeterLinks links, System.Net.Sockets.TcpListener listener, MqttBridge bridge, CancellationToken cancellationToken) =>
        ServeAndCloseAsync(links, listener, bridge, cancellationToken);

    private static async Task ServeAndCloseAsync(WrapperMeterLinks links, System.Net.Sockets.TcpListener listener, MqttBridge bridge, CancellationToken cancellationToken)
    {
        try
        {
            await links.ServeAsync(listener, bridge.OfferDurableAsync, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            listener.Dispose();
        }
    }

    private static System.Net.Sockets.TcpListener ListenForMeters(IPEndPoint endpoint)
    {
        try
        {
            return TcpTransport.Listen(endpoint);
        }
        catch (System.Net.Sockets.SocketException e)
        {
            throw new CommandException($"Cannot listen for meters on {endpoint}: {e.SocketErrorCode}", ExitCodes.Failed);
        }
    }

    /// <summary>Runs the bridge beside <paramref name="others"/>; a damaged spool stops the command before anything runs.</summary>
    private static async Task RunBridgeAsync(MqttBridge? bridge, Task others, CancellationToken cancellationToken)
    {
        try
        {
            bridge?.LoadSpool();
            await Task.WhenAll(others, bridge?.RunAsync(cancellationToken) ?? Task.CompletedTask).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (InvalidDataException e)
        {
            // A file that is not a spool (a torn last record is cut off and counted, not refused) is left for a person to look at.
            throw new CommandException($"{e.Message}; move it aside to start without it", ExitCodes.Failed);
        }
    }

    private static string Describe(MqttBridgeOptions b) => $"{(b.UseTls ? "mqtts" : "mqtt")}://{b.Host}:{b.Port} as {b.UserName}, {b.Meters.Count} meters{(b.SpoolPath is null ? "" : $", spool {b.SpoolPath}")}";

    private static void WriteCounters(TextWriter output, MqttBridge bridge, WrapperMeterLinks? links)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"broker: {bridge.Published} published, {bridge.Republished} attempts repeated, {bridge.Refused} refused, {bridge.RequestsRelayed} requests relayed, {bridge.Unspooled} read from the spool ({bridge.SpoolTornRecords} torn records cut off), {bridge.Spooled} spooled, {bridge.SpoolPending} still in the spool, {bridge.Lost} lost ({(bridge.IsSpooling ? "refused by the full spool" : "in hand at the stop, with no spool")}), {bridge.UnknownRadio} from radios or meters not in --meters dropped, {bridge.ResponsesDropped} answers dropped"));
        if (links is not null)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"DLMS/TCP links: {links.Accepted} accepted, {links.RefusedConnections} refused (over the bound), {links.FramesReceived} frames, {links.MalformedFrames} malformed dropped, {links.UnknownMeters} unknown meters, {links.Unidentified} unnamed, {links.KeepTimeouts} closed waiting for the spool, {links.NotKept} closed refused, {links.RequestsSent} requests sent, {links.RequestsDropped} dropped"));
        }
    }

    private static async Task<int> RunAsync(string device, int baud, IPEndPoint endpoint, (string Host, int Port)? forward, MqttBridgeOptions? bridgeOptions, (IPEndPoint Endpoint, WrapperLinksOptions Options)? wrapper, TimeSpan? limit, TextWriter output, CancellationToken cancellationToken)
    {
        XBeeCoordinator coordinator;
        try
        {
            coordinator = await XBeeCoordinator.OpenAsync(device, baud, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is XBeeException or IOException or UnauthorizedAccessException)
        {
            throw new CommandException($"Cannot start the coordinator on {device}: {e.Message}", ExitCodes.Failed);
        }

        await using (coordinator.ConfigureAwait(false))
        {
            await using var concentrator = new ZigbeeConcentrator(coordinator);
            var nodes = await concentrator.DiscoverAsync(cancellationToken).ConfigureAwait(false);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"meterline gateway: coordinator {coordinator.Address64} on {device} at {baud} baud, API mode {(int)coordinator.ApiMode}, NP {coordinator.MaxPayload}; {nodes.Count} nodes found"));
            foreach (var node in nodes.Take(10))
            {
                output.WriteLine($"  {node}");
            }

            System.Net.Sockets.TcpListener listener;
            try
            {
                listener = TcpTransport.Listen(endpoint);
            }
            catch (System.Net.Sockets.SocketException e)
            {
                throw new CommandException($"Cannot listen on {endpoint}: {e.SocketErrorCode}", ExitCodes.Failed);
            }

            var pushes = bridgeOptions is { } b ? Describe(b)
                : forward is { } f ? $"tcp://{f.Host}:{f.Port}" : "none (dropped when the queue is full)";
            output.WriteLine($"head-end side: {listener.LocalEndpoint} (gateway protocol, wPort {GatewayServer.GatewayWPort}); pushes: {pushes}");
            output.Flush();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (limit is { } span)
            {
                stop.CancelAfter(span);
            }

            var server = new GatewayServer(concentrator);
            var forwarder = forward is { } target ? new PushForwarder(concentrator, target.Host, target.Port) : null;
            var links = wrapper is { } w ? new WrapperMeterLinks(bridgeOptions!.Meters.Select(m => m.SystemTitle), w.Options) : null;
            await using var bridge = bridgeOptions is null ? null : new MqttBridge(concentrator, links, bridgeOptions);
            var meterListener = wrapper is { } m ? ListenForMeters(m.Endpoint) : null;
            if (meterListener is not null)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"DLMS/TCP meters on {meterListener.LocalEndpoint} (keep timeout {wrapper!.Value.Options.KeepTimeout.TotalSeconds} s)"));
                output.Flush();
            }

            try
            {
                await RunBridgeAsync(bridge, Task.WhenAll(
                    server.ServeTcpAsync(listener, stop.Token),
                    forwarder?.RunAsync(stop.Token) ?? Task.CompletedTask,
                    links is null || meterListener is null ? Task.CompletedTask : Serve(links, meterListener, bridge!, stop.Token)), stop.Token).ConfigureAwait(false);
            }
            finally
            {
                listener.Dispose();
                meterListener?.Dispose();
            }

            if (bridge is not null)
            {
                WriteCounters(output, bridge, links);
            }

            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"stopped: {server.RequestsForwarded} requests forwarded, {server.ResponsesReturned} responses, {concentrator.PushesReceived} Zigbee frames from the meters ({forwarder?.Forwarded ?? 0} forwarded over TCP, {concentrator.PushesDropped} dropped with the queue full, {concentrator.MalformedFrames} not wrapper frames dropped), {coordinator.ChecksumErrors + coordinator.MalformedFrames} bad serial frames"));
        }

        return ExitCodes.Ok;
    }
}
