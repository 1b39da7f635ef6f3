using System.CommandLine;
using System.Globalization;
using Meterline.Cli.Dlms;
using Meterline.HeadEnd.Keys;
using Meterline.Server;
using Meterline.Server.Access;
using Meterline.Server.Hosting;
using Meterline.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Meterline.Cli.Serve;

/// <summary>
/// <c>meterline serve</c>: one head-end node — the database (migrated at start), the key provider, the ingest
/// pipeline with its push receivers, the command dispatcher, the read scheduler, back-fill and the web API — until
/// Ctrl+C or SIGTERM, when it stops its services in order and closes the database.
/// </summary>
internal static class ServeCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var options = new ServeOptions();
        var command = new Command("serve", "Run a head-end node: ingest, commands, scheduling and the web API");
        options.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            try
            {
                var node = options.ToHeadEndOptions(result);
                var server = options.ToServerOptions(result);
                return await RunAsync(node, server, output, error, cancellationToken).ConfigureAwait(false);
            }
            catch (CommandException e)
            {
                await error.WriteLineAsync("error: " + e.Message).ConfigureAwait(false);
                return e.ExitCode;
            }
        });
        return command;
    }

    /// <summary>Opens the node or turns a configuration problem into a <see cref="CommandException"/> that names it.</summary>
    public static async Task<HeadEndNode> OpenNodeAsync(HeadEndOptions options, CancellationToken cancellationToken)
    {
        try
        {
            return await HeadEndNode.OpenAsync(options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or KeyProviderException or StorageSchemaException
            or UnauthorizedAccessException or System.Data.Common.DbException)
        {
            throw new CommandException("cannot start the head-end: " + e.Message, ExitCodes.Failed);
        }
    }

    /// <summary>The web application, or a <see cref="CommandException"/> naming what it could not read (the session key file, the TLS files).</summary>
    private static Microsoft.AspNetCore.Builder.WebApplication BuildOrExplain(Func<Microsoft.AspNetCore.Builder.WebApplication> build)
    {
        try
        {
            return build();
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new CommandException("cannot start the head-end: " + e.Message, ExitCodes.Failed);
        }
    }

    private static async Task<int> RunAsync(HeadEndOptions options, ServerOptions serverOptions, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        // The node's own services (the northbound relay) log from the start, before the web host exists.
        using var logging = LoggerFactory.Create(builder =>
        {
            if (serverOptions.LogFormat == Meterline.Server.Observability.LogFormat.Json)
            {
                Meterline.Server.Observability.JsonLogging.AddMeterlineJsonConsole(builder);
            }
            else
            {
                builder.AddSimpleConsole();
            }

            builder.SetMinimumLevel(serverOptions.MinimumLogLevel);
        });
        await using var node = await OpenNodeAsync(options with { LoggerFactory = logging }, cancellationToken).ConfigureAwait(false);
        var app = BuildOrExplain(() => ServerApplication.Build(serverOptions, node));
        await using (app.ConfigureAwait(false))
        {
            try
            {
                await app.StartAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SessionKeyRingException or IOException)
            {
                throw new CommandException("cannot start the head-end: " + e.Message, ExitCodes.Failed);
            }

            var meters = await node.Meters.CountAsync(cancellationToken).ConfigureAwait(false);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"meterline serve: {node.Storage.Engine} database (schema {node.Storage.SchemaVersion}), {meters} meters, system title {node.SystemTitle}"));
            output.WriteLine($"  web API:  {string.Join(", ", app.Urls)}  (OpenAPI at /openapi/v1.json)");
            output.WriteLine($"  health:   /health/live, /health/ready; metrics for Prometheus at /metrics (a staff token; docs/observability.md)");
            if (node.Bootstrapped)
            {
                output.WriteLine($"  access:   first start: the admin API token is in {Path.GetFullPath(options.BootstrapTokenFile!)} (owner-only; docs/access.md)");
            }
            output.WriteLine($"  pushes:   {Describe(node)}");
            if (node.Mqtt is { } mqtt)
            {
                output.WriteLine($"  mqtt:     {string.Join(", ", [.. mqtt.Broker?.Endpoints.Select(e => $"broker {e}{(node.Options.Mqtt!.TlsCertificatePath is null ? "" : " (TLS)")}") ?? [], .. node.Options.Mqtt!.ExternalBroker is { } external ? [$"client of {external} ($share/{node.Options.Mqtt.ShareGroup})"] : Array.Empty<string>()])}");
            }

            if (node.Zigbee is { } zigbee)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  zigbee:   coordinator {zigbee.Coordinator.Address64} on {options.ZigbeeSerialPort} at {options.ZigbeeBaudRate} baud, API mode {(int)zigbee.Coordinator.ApiMode}"));
            }

            if (options.Northbound is { } northbound)
            {
                output.WriteLine($"  amqp:     {northbound.Publisher.SafeUri} exchange {northbound.Publisher.Exchange} (outbox, publisher confirms)");
            }

            output.WriteLine("  Ctrl+C stops the node.");
            output.Flush();

            // Returns on Ctrl+C/SIGTERM, and also when one of the node's services ended on its own and stopped the
            // application (HeadEndLoopService): the process must then exit, so that a supervisor restarts it.
            await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
        }

        if (!cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync("error: the node stopped because one of its services ended (see the log above)").ConfigureAwait(false);
            return ExitCodes.Failed;
        }

        return ExitCodes.Ok;
    }

    private static string Describe(HeadEndNode node)
    {
        var parts = node.PushEndpoints.Select(e => "tcp " + e).Concat(node.UdpPushEndpoints.Select(e => "udp " + e)).Concat(node.CoapEndpoints.Select(e => "coap " + e)).ToList();
        return parts.Count == 0 ? "none" : string.Join(", ", parts);
    }
}
