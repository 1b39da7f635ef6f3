using System.CommandLine;
using System.Globalization;
using System.Net;
using Meterline.Cli.Dlms;
using Meterline.Dlms.Links;
using Meterline.Gateway;
using Meterline.Zigbee;

namespace Meterline.Cli.Gateway;

/// <summary>
/// <c>meterline gateway</c>: the data concentrator. Owns the Zigbee coordinator on a serial port, serves the head-end
/// over TCP with the DLMS/COSEM gateway protocol (each meter named by its 64-bit radio address), and forwards the
/// meters' pushes to the head-end's push receiver.
/// </summary>
internal static class GatewayCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var serial = new Option<string>("--serial") { Description = "The coordinator's serial device, e.g. /dev/ttyUSB0 (or the pty `meterline sim --transport zigbee` prints)", Required = true };
        var baud = new Option<int>("--baud") { Description = "Serial speed (8N1, no handshake)", DefaultValueFactory = _ => 9600 };
        var listen = new Option<string>("--listen") { Description = "Where the head-end connects (gateway protocol over the IEC 62056-47 wrapper)", DefaultValueFactory = _ => "127.0.0.1:4061" };
        var push = new Option<string?>("--push") { Description = "Where to forward the meters' pushes: tcp://host:port (the head-end's push receiver); default: none" };
        var seconds = new Option<double?>("--seconds") { Description = "Stop after this many seconds (default: run until Ctrl+C)" };
        var command = new Command("gateway", "Run the data concentrator: a Zigbee coordinator on a serial port, bridged to the head-end over TCP")
        {
            serial, baud, listen, push, seconds,
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

                var limit = result.GetValue(seconds) is { } s ? (s > 0 ? TimeSpan.FromSeconds(s) : throw new CommandException("--seconds must be positive", ExitCodes.Usage)) : (TimeSpan?)null;
                return await RunAsync(result.GetValue(serial)!, rate, endpoint, forward, limit, output, cancellationToken).ConfigureAwait(false);
            }
            catch (CommandException e)
            {
                await error.WriteLineAsync("error: " + e.Message).ConfigureAwait(false);
                return e.ExitCode;
            }
        });
        return command;
    }

    private static async Task<int> RunAsync(string device, int baud, IPEndPoint endpoint, (string Host, int Port)? forward, TimeSpan? limit, TextWriter output, CancellationToken cancellationToken)
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

            output.WriteLine($"head-end side: {listener.LocalEndpoint} (gateway protocol, wPort {GatewayServer.GatewayWPort}); pushes: {(forward is { } f ? $"tcp://{f.Host}:{f.Port}" : "none (dropped when the queue is full)")}");
            output.Flush();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (limit is { } span)
            {
                stop.CancelAfter(span);
            }

            var server = new GatewayServer(concentrator);
            var forwarder = forward is { } target ? new PushForwarder(concentrator, target.Host, target.Port) : null;
            try
            {
                await Task.WhenAll(
                    server.ServeTcpAsync(listener, stop.Token),
                    forwarder?.RunAsync(stop.Token) ?? Task.CompletedTask).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
            finally
            {
                listener.Dispose();
            }

            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"stopped: {server.RequestsForwarded} requests forwarded, {server.ResponsesReturned} responses, {concentrator.PushesReceived} pushes ({forwarder?.Forwarded ?? 0} forwarded, {concentrator.PushesDropped} dropped), {coordinator.ChecksumErrors + coordinator.MalformedFrames} bad frames"));
        }

        return ExitCodes.Ok;
    }
}
