using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Meterline.Cli.Api;
using Meterline.Cli.Dlms;
using Spectre.Console;

namespace Meterline.Cli.Meters;

/// <summary>
/// `meterline meters`: the head-end's meter registry through its API — register a meter (the head-end makes its keys
/// and never returns them), list and show meters, and import a provisioning file in batches with progress — and,
/// from the node's own database rather than the API, export a meter's installation document.
/// </summary>
internal static class MetersCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var api = new ApiConnectionOptions();
        var command = new Command("meters", "The head-end's meter registry (through its API): add, list, show, import; export-installation (local)");
        api.AddTo(command);
        command.Add(CreateAdd(api, output, error));
        command.Add(CreateList(api, output, error));
        command.Add(CreateShow(api, output, error));
        command.Add(MeterImport.Create(api, output, error));
        command.Add(MeterExport.Create(api, output, error));
        return command;
    }

    private static Command CreateAdd(ApiConnectionOptions api, TextWriter output, TextWriter error)
    {
        var serial = new Argument<string>("serial") { Description = "The meter's serial number (1 to 32 letters, digits, '-' or '_')" };
        var systemTitle = new Option<string>("--system-title") { Description = "The meter's DLMS system title, 16 hex digits", Required = true };
        var profile = new Option<string>("--profile") { Description = "The meter's profile", DefaultValueFactory = _ => "is15959-single-phase" };
        var endpoint = new Option<string?>("--endpoint") { Description = "How to reach it, e.g. dlms+tcp://10.0.0.5:4059?wport=1, coap://10.0.0.5:5683/m/SERIAL" };
        var transport = new Option<string?>("--transport") { Description = "How it talks to the head-end: tcp, coap (give --endpoint) or mqtt (endpoint mqtt://{system title}; the head-end issues its MQTT password, handed out with export-installation)" }
            .AcceptOnlyFromAmong("tcp", "mqtt", "coap");
        var consumer = new Option<string?>("--consumer") { Description = "The consumer (account) it bills" };
        var latitude = new Option<double?>("--latitude") { Description = "Where it stands (WGS 84 degrees), with --longitude" };
        var longitude = new Option<double?>("--longitude") { Description = "Where it stands (WGS 84 degrees), with --latitude" };
        var transformer = new Option<string?>("--transformer") { Description = "The distribution transformer it hangs from" };
        var feeder = new Option<string?>("--feeder") { Description = "The feeder of that transformer" };
        var signed = new Option<bool>("--signed") { Description = "Relay and key commands are signed (security suite 1)" };
        var command = new Command("add", "Register one meter; the head-end generates its keys and keeps them (nothing secret is printed)")
        {
            serial, systemTitle, profile, endpoint, transport, consumer, latitude, longitude, transformer, feeder, signed,
        };
        command.SetAction((result, cancellationToken) => ApiCommand.RunAsync(error, async () =>
        {
            if (result.GetValue(latitude).HasValue != result.GetValue(longitude).HasValue)
            {
                throw new CommandException("--latitude and --longitude go together", ApiExitCodes.Usage);
            }

            var link = EndpointFor(result.GetValue(transport), result.GetValue(endpoint), result.GetValue(systemTitle)!);
            var body = new JsonObject
            {
                ["serial"] = result.GetValue(serial),
                ["systemTitle"] = result.GetValue(systemTitle),
                ["profile"] = result.GetValue(profile),
                ["endpoint"] = link,
                ["consumer"] = result.GetValue(consumer),
                ["transformer"] = result.GetValue(transformer),
                ["feeder"] = result.GetValue(feeder),
                ["securityLevel"] = result.GetValue(signed) ? "AuthenticatedEncryptedSigned" : "AuthenticatedEncrypted",
            };
            if (result.GetValue(latitude) is { } lat && result.GetValue(longitude) is { } lon)
            {
                body["location"] = new JsonObject { ["latitude"] = lat, ["longitude"] = lon };
            }

            using var client = api.CreateClient(result);
            var added = await client.PostJsonAsync("/api/meters", body.ToJsonString(), cancellationToken).ConfigureAwait(false);
            var meter = added.Body;
            var console = CliConsole.For(output);
            var onMqtt = link?.StartsWith(MqttPrefix, StringComparison.Ordinal) == true;
            console.WriteLine(added.Status == System.Net.HttpStatusCode.Created
                ? $"meter {JsonFields.Text(meter, "serial")} added (id {JsonFields.Text(meter, "id")}); its keys{(onMqtt ? " and MQTT password" : string.Empty)} were generated by the head-end and stay there"
                : $"meter {JsonFields.Text(meter, "serial")} was already registered (id {JsonFields.Text(meter, "id")})");
            if (onMqtt && added.Status == System.Net.HttpStatusCode.Created)
            {
                console.WriteLine($"for the installer: `meterline meters export-installation {JsonFields.Text(meter, "serial")} --out FILE` on the head-end writes them (with the MQTT password; user name and client id {JsonFields.Text(meter, "systemTitle")})");
            }

            console.Write(Details(meter));
            return ApiExitCodes.Ok;
        }));
        return command;
    }

    private const string MqttPrefix = "mqtt://";

    /// <summary>
    /// The endpoint to register: as given; for <c>--transport mqtt</c> <c>mqtt://{system title}</c> (the head-end then
    /// issues the meter's MQTT password); <c>--transport coap</c> needs a coap:// endpoint, <c>tcp</c> a dlms+tcp:// one.
    /// </summary>
    internal static string? EndpointFor(string? transport, string? endpoint, string systemTitle) => transport switch
    {
        null => endpoint,
        "mqtt" when endpoint is null => MqttPrefix + systemTitle.ToUpperInvariant(),
        "mqtt" when endpoint.StartsWith(MqttPrefix, StringComparison.OrdinalIgnoreCase) => endpoint,
        "coap" when endpoint?.StartsWith("coap://", StringComparison.OrdinalIgnoreCase) == true => endpoint,
        "tcp" when endpoint is null || endpoint.StartsWith("dlms+tcp://", StringComparison.OrdinalIgnoreCase) => endpoint,
        "coap" => throw new CommandException("--transport coap needs --endpoint coap://host:port/path (e.g. coap://10.0.0.5:5683/m/SERIAL)", ApiExitCodes.Usage),
        _ => throw new CommandException($"--endpoint {endpoint} does not go with --transport {transport}", ApiExitCodes.Usage),
    };

    private static Command CreateList(ApiConnectionOptions api, TextWriter output, TextWriter error)
    {
        var search = new Option<string?>("--search") { Description = "Serial or consumer containing this text" };
        var transformer = new Option<string?>("--transformer") { Description = "Only meters of this transformer" };
        var feeder = new Option<string?>("--feeder") { Description = "Only meters of this feeder" };
        var communication = new Option<string?>("--communication") { Description = "Only meters with this status: Unknown, Online, Offline" };
        var relay = new Option<string?>("--relay") { Description = "Only meters whose relay reads: Unknown, Connected, Disconnected, ReadyForReconnection" };
        var limit = new Option<int>("--limit") { Description = "List at most this many meters (1 to 100000)", DefaultValueFactory = _ => 100 };
        var command = new Command("list", "List meters in id order, with their relay, communication and key status") { search, transformer, feeder, communication, relay, limit };
        command.SetAction((result, cancellationToken) => ApiCommand.RunAsync(error, async () =>
        {
            var max = result.GetValue(limit);
            if (max is < 1 or > 100_000)
            {
                throw new CommandException("--limit is 1 to 100000", ApiExitCodes.Usage);
            }

            var filters = new List<string>();
            foreach (var (name, option) in new[] { ("search", search), ("transformer", transformer), ("feeder", feeder), ("communication", communication), ("relay", relay) })
            {
                if (result.GetValue(option) is { } value)
                {
                    filters.Add(name + "=" + ApiCommand.Escape(value));
                }
            }

            using var client = api.CreateClient(result);
            var table = new Table().AddColumns("Id", "Serial", "System title", "Profile", "Relay", "Communication", "Last heard", "Keys", "Endpoint");
            var count = 0;
            string? token = null;
            do
            {
                var size = Math.Min(1000, max - count);
                var query = string.Join('&', filters.Append("pageSize=" + size.ToString(CultureInfo.InvariantCulture)).Concat(token is null ? [] : ["pageToken=" + ApiCommand.Escape(token)]));
                var page = await client.GetAsync("/api/meters?" + query, cancellationToken).ConfigureAwait(false);
                foreach (var meter in JsonFields.Items(page))
                {
                    table.AddRow(Cells(meter, "id", "serial", "systemTitle", "profile", "relayState", "communication", "lastHeardAt", "keyStatus", "endpoint"));
                    count++;
                }

                token = JsonFields.NextPageToken(page);
            }
            while (token is not null && count < max);

            var console = CliConsole.For(output);
            console.Write(table);
            console.WriteLine(token is null
                ? $"{count} meter{(count == 1 ? string.Empty : "s")}"
                : $"{count} meters shown; there are more (raise --limit)");
            return ApiExitCodes.Ok;
        }));
        return command;
    }

    private static Command CreateShow(ApiConnectionOptions api, TextWriter output, TextWriter error)
    {
        var serial = new Argument<string>("serial") { Description = "The meter's serial number" };
        var command = new Command("show", "Show one meter and its latest commands") { serial };
        command.SetAction((result, cancellationToken) => ApiCommand.RunAsync(error, async () =>
        {
            using var client = api.CreateClient(result);
            var meter = await client.GetAsync("/api/meters/" + ApiCommand.Escape(result.GetValue(serial)!), cancellationToken).ConfigureAwait(false);
            var commands = await client.GetAsync("/api/commands?pageSize=5&meter=" + ApiCommand.Escape(JsonFields.Text(meter, "serial")), cancellationToken).ConfigureAwait(false);
            var console = CliConsole.For(output);
            console.Write(Details(meter));
            var latest = new Table().AddColumns("Command", "Kind", "State", "Requested by", "Requested at", "Completed at");
            foreach (var command in JsonFields.Items(commands))
            {
                latest.AddRow(Cells(command, "id", "kind", "state", "requestedBy", "requestedAt", "completedAt"));
            }

            if (latest.Rows.Count > 0)
            {
                console.WriteLine("latest commands:");
                console.Write(latest);
            }

            return ApiExitCodes.Ok;
        }));
        return command;
    }

    internal static Grid Details(JsonElement meter)
    {
        var grid = new Grid().AddColumn().AddColumn();
        foreach (var (label, name) in new[]
        {
            ("id", "id"), ("serial", "serial"), ("system title", "systemTitle"), ("profile", "profile"), ("endpoint", "endpoint"),
            ("consumer", "consumer"), ("latitude", "latitude"), ("longitude", "longitude"), ("transformer", "transformer"), ("feeder", "feeder"),
            ("security level", "securityLevel"), ("relay", "relayState"), ("communication", "communication"), ("last heard", "lastHeardAt"),
            ("keys", "keyStatus"), ("key generation", "keyGeneration"),
        })
        {
            grid.AddRow(Markup.Escape(label), Markup.Escape(JsonFields.Text(meter, name)));
        }

        return grid;
    }

    internal static string[] Cells(JsonElement element, params string[] names) => [.. names.Select(n => Markup.Escape(JsonFields.Text(element, n)))];
}
