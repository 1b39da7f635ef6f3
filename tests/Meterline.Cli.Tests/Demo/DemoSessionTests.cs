using System.Net;
using System.Text.Json;
using Meterline.Cli.Demo;
using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.Meters;

namespace Meterline.Cli.Tests.Demo;

/// <summary>
/// The demo in process, as <c>meterline demo</c> builds it: a real node on SQLite in a temporary directory, real
/// Kestrel on a free loopback port, the node's embedded MQTT broker and CoAP ingress on free loopback ports, a simulated
/// fleet pushing over DLMS/TCP, MQTT, CoAP and the emulated Zigbee coordinator on a real pty, and the story's commands
/// through the real command dispatcher.
/// </summary>
public sealed class DemoSessionTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly string _directory = Directory.CreateTempSubdirectory("meterline-demo-").FullName;

    [Fact]
    public async Task Run_SixMetersOneOnZigbee_ReadingsTamperAlarmAndConfirmedDisconnect()
    {
        await using var session = await DemoSession.StartAsync(Options(), CancellationToken.None).WaitAsync(Bound);
        session.Run(CancellationToken.None);

        var disconnect = await session.Story.Disconnect.WaitAsync(Bound);
        await WaitUntilAsync(() => session.Story.MetersReporting == session.Fleet.Meters.Count);

        Assert.NotNull(disconnect);
        Assert.Equal(CommandState.Confirmed, disconnect.State);
        Assert.Equal(CommandKind.Disconnect, disconnect.Kind);
        Assert.Equal(DemoOptions.Actor, disconnect.RequestedBy);
        Assert.Contains("\"relay\":\"Disconnected\"", disconnect.Result, StringComparison.Ordinal);
        Assert.False(session.Fleet.Meters[DemoOptions.TamperedMeter].Meter.Relay.OutputState, "the simulated meter's relay is open");
        Assert.True(session.Fleet.Meters[1].Meter.Relay.OutputState, "the other meters keep their supply");
        Assert.True(session.Node.Zigbee!.PushAdapter.Queued > 0, "pushes came through the coordinator");
        Assert.Equal(0, session.Node.Pipeline.Metrics.RejectedTotal);
        var zigbeeRead = await session.Story.ZigbeeRead.WaitAsync(Bound);
        Assert.NotNull(zigbeeRead);
        Assert.Equal(CommandState.Confirmed, zigbeeRead.State);
        Assert.Equal(CommandKind.Read, zigbeeRead.Kind);
        Assert.Equal((await session.Node.Meters.FindBySerialAsync("MTL00000006"))!.Id, zigbeeRead.Meter);

        using var http = new HttpClient { BaseAddress = session.ApiAddress, Timeout = TimeSpan.FromSeconds(10) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", (await File.ReadAllTextAsync(session.TokenFile)).Trim());
        await AssertHttpsSignInAsync(session);
        var links = DemoReport.Links(session).ToDictionary(l => l.Name, l => l.Url);
        using (var meters = await GetJsonAsync(http, links["meters"]))
        {
            var items = meters.RootElement.GetProperty("items").EnumerateArray().ToList();
            Assert.Equal(7, items.Count);
            Assert.Equal("Disconnected", items.Single(m => m.GetProperty("serial").GetString() == "MTL00000001").GetProperty("relayState").GetString());
            Assert.Equal("zigbee://0013A2004D540006", items.Single(m => m.GetProperty("serial").GetString() == "MTL00000006").GetProperty("endpoint").GetString());
        }

        using (var readings = await GetJsonAsync(http, links["readings"]))
        {
            Assert.NotEmpty(readings.RootElement.GetProperty("items").EnumerateArray());
        }

        using (var zigbeeReadings = await GetJsonAsync(http, links["readings"].Replace("MTL00000001", "MTL00000006", StringComparison.Ordinal)))
        {
            Assert.NotEmpty(zigbeeReadings.RootElement.GetProperty("items").EnumerateArray());
        }

        using (var events = await GetJsonAsync(http, links["events"]))
        {
            Assert.Contains(events.RootElement.EnumerateArray(), e => e.GetProperty("serial").GetString() == "MTL00000001" && e.GetProperty("code").GetInt32() == 201);
        }

        var operatorApp = await http.GetStringAsync(new Uri(links["operator app"]));
        Assert.Contains("Fleet overview", operatorApp, StringComparison.Ordinal);

        using var openApi = await http.GetAsync(new Uri(links["OpenAPI"]));
        Assert.Equal(HttpStatusCode.OK, openApi.StatusCode);
        await session.StopAsync().WaitAsync(Bound);
    }

    [Fact]
    public async Task Run_MqttAndCoapMeters_ReadingsOverEachAndDisconnectsConfirmedWithRelayReadBack()
    {
        await using var session = await DemoSession.StartAsync(Options(), CancellationToken.None).WaitAsync(Bound);
        session.Run(CancellationToken.None);
        var mqtt = (await session.Node.Meters.FindBySerialAsync(MqttSerial))!;
        var coap = (await session.Node.Meters.FindBySerialAsync(CoapSerial))!;
        Assert.Equal("mqtt://4D544C0000000004", mqtt.Endpoint?.ToString());
        Assert.Matches(@"^coap://127\.0\.0\.1:\d+/m/MTL00000005$", coap.Endpoint?.ToString());
        Assert.StartsWith("dlms+tcp://", (await session.Node.Meters.FindBySerialAsync("MTL00000003"))!.Endpoint?.ToString(), StringComparison.Ordinal);

        // Readings over each: every meter reports, the MQTT ones through the broker, the CoAP ones through the ingress.
        await WaitUntilAsync(() => session.Story.MetersReporting == session.Fleet.Meters.Count);
        Assert.True(session.Node.Mqtt!.Broker!.Pushes > 0, "pushes came through the embedded broker");
        Assert.True(session.Node.CoapIngresses[0].Committed > 0, "pushes came through the CoAP ingress");
        Assert.True(await session.Node.Stores.Readings.CountReadingsAsync() > 0);

        // The story read the first meter heard over each transport, over its own link.
        foreach (var (scheme, serial) in new[] { (DemoStory.MqttScheme, MqttSerial), (DemoStory.CoapScheme, CoapSerial) })
        {
            var read = await session.Story.ReadOver(scheme).WaitAsync(Bound);
            Assert.NotNull(read);
            Assert.Equal((CommandKind.Read, CommandState.Confirmed), (read.Kind, read.State));
            Assert.Equal((await session.Node.Meters.FindBySerialAsync(serial))!.Id, read.Meter);
        }

        // An operator's disconnect reaches each, and the relay reads back Disconnected.
        foreach (var (meter, index) in new[] { (mqtt, 3), (coap, 4) })
        {
            var requested = await session.Node.CommandService.RequestAsync(new CommandSubmission(meter.Id, new DisconnectParameters(), "operator", IdempotencyKey: "test-disconnect-" + meter.Serial)).WaitAsync(Bound);
            session.Node.Dispatcher.Wake();
            var done = await WaitForFinalAsync(session, requested.Id);
            Assert.True(done.State == CommandState.Confirmed, $"{meter.Serial}: {done.State} {done.Result}");
            Assert.Contains("\"relay\":\"Disconnected\"", done.Result, StringComparison.Ordinal);
            Assert.False(session.Fleet.Meters[index].Meter.Relay.OutputState, $"the relay of {meter.Serial} is open");
            Assert.Equal(RelayState.Disconnected, (await session.Node.Meters.GetAsync(meter.Id))!.RelayState);
        }

        Assert.True(session.Fleet.Meters[2].Meter.Relay.OutputState, "a DLMS/TCP meter keeps its supply");
        Assert.Equal(0, session.Node.Pipeline.Metrics.RejectedTotal);
        await session.StopAsync().WaitAsync(Bound);
    }

    [Fact]
    public async Task Run_StoryLines_TellTheStepsInOrder()
    {
        await using var session = await DemoSession.StartAsync(Options(), CancellationToken.None).WaitAsync(Bound);
        session.Run(CancellationToken.None);
        await session.Story.Disconnect.WaitAsync(Bound);
        await WaitUntilAsync(() => session.Story.MetersReporting == session.Fleet.Meters.Count);
        await session.StopAsync().WaitAsync(Bound);

        var lines = new List<string>();
        while (session.Story.Lines.TryRead(out var line))
        {
            lines.Add(line.Text);
        }

        int IndexOf(string start) => lines.FindIndex(l => l.StartsWith(start, StringComparison.Ordinal));
        Assert.True(IndexOf("readings arriving:") >= 0, string.Join('\n', lines));
        Assert.True(IndexOf("readings arriving over Zigbee:") >= 0, string.Join('\n', lines));
        Assert.True(IndexOf("readings arriving over MQTT: MTL00000004") >= 0, string.Join('\n', lines));
        Assert.True(IndexOf("readings arriving over CoAP: MTL00000005") >= 0, string.Join('\n', lines));
        var alarm = IndexOf("TAMPER ALARM: MTL00000001");
        var requested = IndexOf("operator \"demo\" disconnects MTL00000001");
        var sent = lines.FindIndex(l => l.Contains("Sent:", StringComparison.Ordinal));
        var confirmed = lines.FindIndex(l => l.Contains("Confirmed: the relay of MTL00000001 reads back Disconnected", StringComparison.Ordinal));
        Assert.True(alarm >= 0 && alarm < requested && requested < sent && sent < confirmed, string.Join('\n', lines));
    }

    [Fact]
    public async Task Start_DemoTown_MetersPlacedTransformersMeteredAndTheMapShowsThem()
    {
        await using var session = await DemoSession.StartAsync(Options(), CancellationToken.None).WaitAsync(Bound);

        // Six consumers under one transformer (8 to 15 a transformer, the last takes what is left) and its meter, the seventh.
        var topology = session.Fleet.Topology!;
        var transformer = Assert.Single(topology.Transformers);
        var meters = (await session.Node.Meters.ListAsync(new MeterFilter(), 100)).Items;
        Assert.Equal(7, meters.Count);
        Assert.All(meters, m => Assert.NotNull(m.Location));
        Assert.All(meters, m => Assert.Equal(transformer.FeederId, m.FeederId));
        var consumers = meters.Where(m => m.ConsumerId is not null).ToList();
        Assert.Equal(6, consumers.Count);
        Assert.All(consumers, m => Assert.Equal(transformer.Id, m.TransformerId));
        var transformerMeter = (await session.Node.Meters.FindBySerialAsync("MTL00000007"))!;
        Assert.Null(transformerMeter.ConsumerId);
        Assert.Equal(transformerMeter.Id, await session.Node.Storage.Transformers.GetTransformerMeterAsync(transformer.Id));
        Assert.StartsWith("dlms+tcp://", transformerMeter.Endpoint?.ToString(), StringComparison.Ordinal);
        Assert.All(meters, m => Assert.InRange(m.Location!.Value.Latitude, 12.28, 12.33));

        using var http = new HttpClient { BaseAddress = session.ApiAddress, Timeout = TimeSpan.FromSeconds(10) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", (await File.ReadAllTextAsync(session.TokenFile)).Trim());
        var map = await http.GetStringAsync(new Uri(DemoReport.Links(session).Single(l => l.Name == "map").Url));
        Assert.Contains($"data-transformer=\"{transformer.Id}\"", map, StringComparison.Ordinal);
        Assert.All(meters, m => Assert.Contains($"data-serial=\"{m.Serial}\"", map, StringComparison.Ordinal));
        Assert.Contains("7 of 7 meters have a location; 1 transformers.", map, StringComparison.Ordinal);

        using var printed = new StringWriter();
        DemoReport.PrintStart(session, printed);
        Assert.Contains($"open the operator app: {session.HttpsAddress!.ToString().TrimEnd('/')}/", printed.ToString(), StringComparison.Ordinal);
        Assert.Contains("6 consumers under 1 distribution transformers", printed.ToString(), StringComparison.Ordinal);
        await session.StopAsync().WaitAsync(Bound);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private const string MqttSerial = "MTL00000004";
    private const string CoapSerial = "MTL00000005";

    /// <summary>Six meters at 300x (three on DLMS/TCP, then one each on MQTT, CoAP and Zigbee): an interval every 3 s, the magnet 2 s in.</summary>
    private DemoOptions Options() => new()
    {
        DataDirectory = _directory,
        Meters = 6,
        ZigbeeMeters = 1,
        MqttMeters = 1,
        CoapMeters = 1,
        Speed = 300,
        Listen = "http://127.0.0.1:0",
        HttpsListen = "https://127.0.0.1:0",
        TamperAfter = TimeSpan.FromSeconds(2),
        ProfilesDirectory = Path.Combine(AppContext.BaseDirectory, "profiles"),
    };

    /// <summary>The demo serves HTTPS with its self-signed certificate, and its printed first login signs in there with a Secure, HttpOnly, SameSite=Strict cookie.</summary>
    private static async Task AssertHttpsSignInAsync(DemoSession session)
    {
        using var expected = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(
            await File.ReadAllTextAsync(Path.Combine(session.Data.Path, DemoCertificate.CertificateFile)));
        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) => certificate is not null && certificate.RawDataMemory.Span.SequenceEqual(expected.RawDataMemory.Span),
        };
        using var https = new HttpClient(handler) { BaseAddress = session.HttpsAddress, Timeout = TimeSpan.FromSeconds(10) };
        Assert.NotNull(session.AdminPassword);
        using var signIn = await https.PostAsync(new Uri("/api/session", UriKind.Relative),
            new StringContent(JsonSerializer.Serialize(new { name = DemoLogin.UserName, password = session.AdminPassword }), System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        var cookie = Assert.Single(signIn.Headers.GetValues("Set-Cookie"));
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("max-age=31536000", string.Join(",", signIn.Headers.GetValues("Strict-Transport-Security")));
    }

    private static async Task<JsonDocument> GetJsonAsync(HttpClient http, string url)
    {
        using var response = await http.GetAsync(new Uri(url));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body);
    }

    private static async Task<CommandRecord> WaitForFinalAsync(DemoSession session, CommandId command)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (true)
        {
            var current = await session.Node.Stores.Commands.GetAsync(command);
            if (current is { IsFinal: true })
            {
                return current;
            }

            Assert.True(DateTime.UtcNow < deadline, $"command {command} is still {current?.State}");
            await Task.Delay(100);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold in time");
            await Task.Delay(100);
        }
    }
}
