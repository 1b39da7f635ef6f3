using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Meterline.Storage;

namespace Meterline.Cli.Tests.Serve;

/// <summary>
/// <c>meterline serve --coap-listen</c> and <c>meterline sim --push coap://…</c> as an operator runs them (each command
/// tree in process, talking over loopback sockets only): the fleet's provisioning file gives every meter its
/// <c>coap://</c> endpoint, <c>meterline meters import</c> registers them, their pushes are stored, and
/// <c>meterline cmd disconnect</c> reaches a meter over CoAP and is confirmed by the relay read back.
/// </summary>
public sealed class ServeSimCoapTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);
    private readonly string _directory = Directory.CreateTempSubdirectory("meterline-serve-sim-coap-").FullName;
    private readonly StringWriter _serveOutput = new();
    private readonly StringWriter _simOutput = new();
    private readonly StringWriter _errors = new();
    private static readonly string Profiles = Path.Combine(AppContext.BaseDirectory, "profiles");

    [Fact]
    public async Task ServeAndSimOverCoap_ImportedMetersReadingsStoredAndADisconnectConfirmedOverCoap()
    {
        var coapPort = FreeUdpPort();
        var database = Path.Combine(_directory, "node.db");
        var fleetFile = Path.Combine(_directory, "fleet.json");
        using var stop = new CancellationTokenSource();
        var serveOutput = TextWriter.Synchronized(_serveOutput);
        var errors = TextWriter.Synchronized(_errors);
        var serving = Program.BuildRootCommand(serveOutput, errors).Parse(
        [
            "serve", "--db", database, "--key-file", Path.Combine(_directory, "node.kek"), "--create-key-file", "--listen", "http://127.0.0.1:0",
            "--push", "127.0.0.1:0", "--coap-listen", "127.0.0.1:" + coapPort.ToString(CultureInfo.InvariantCulture), "--profiles", Profiles, "--log-level", "critical",
        ]).InvokeAsync(cancellationToken: stop.Token);
        var api = await ApiAddressAsync(serveOutput, serving);

        var simulating = Program.BuildRootCommand(TextWriter.Synchronized(_simOutput), errors).Parse(
        [
            "sim", "--meters", "3", "--speed", "900", "--profile", Path.Combine(Profiles, "is15959-single-phase.json"), "--provisioning", fleetFile,
            "--state-dir", Path.Combine(_directory, "state"), "--port", "0", "--push", "coap://127.0.0.1:" + coapPort.ToString(CultureInfo.InvariantCulture), "--status-interval", "1",
        ]).InvokeAsync(cancellationToken: stop.Token);
        await UntilAsync(() => Task.FromResult(File.Exists(fleetFile)), "the fleet wrote its provisioning file", simulating);

        var tokenFile = Path.Combine(_directory, "node.admin-token");
        var imported = await RunAsync("meters", "import", fleetFile, "--server", api, "--token-file", tokenFile);
        Assert.True(imported.Code == 0, imported.Output + imported.Error);
        Assert.Contains("3 meters: 3 added", imported.Output, StringComparison.Ordinal);

        using var http = new HttpClient { BaseAddress = new Uri(api), Timeout = TimeSpan.FromSeconds(10) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", (await File.ReadAllTextAsync(tokenFile)).Trim());
        await UntilAsync(async () => (await MetersAsync(http)).All(m => m.GetProperty("lastHeardAt").ValueKind == JsonValueKind.String), "every meter heard over CoAP", simulating);
        var endpoints = (await MetersAsync(http)).ToDictionary(m => m.GetProperty("serial").GetString()!, m => m.GetProperty("endpoint").GetString()!);
        Assert.All(endpoints, e => Assert.Matches($@"^coap://127\.0\.0\.1:\d+/m/{e.Key}$", e.Value));

        var disconnect = await RunAsync("cmd", "disconnect", "MTL00000002", "--wait", "--timeout", "60", "--server", api, "--token-file", tokenFile);
        Assert.True(disconnect.Code == 0, disconnect.Output + disconnect.Error);
        Assert.Contains("disconnect MTL00000002: Confirmed", disconnect.Output, StringComparison.Ordinal);
        Assert.Contains("relay         Disconnected", disconnect.Output, StringComparison.Ordinal);

        await stop.CancelAsync();
        Assert.Equal(0, await serving.WaitAsync(Bound));
        await simulating.WaitAsync(Bound);
        await using var storage = await HeadEndStorage.OpenAsync(database).WaitAsync(Bound);
        foreach (var serial in endpoints.Keys)
        {
            var meter = (await storage.Meters.FindBySerialAsync(serial))!;
            Assert.True(await storage.Readings.CountReadingsAsync(meter.Id) > 0, $"readings of {serial}");
        }

        Assert.Equal(Meterline.HeadEnd.Meters.RelayState.Disconnected, (await storage.Meters.FindBySerialAsync("MTL00000002"))!.RelayState);
    }

    public void Dispose()
    {
        _serveOutput.Dispose();
        _simOutput.Dispose();
        _errors.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private static int FreeUdpPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await Program.BuildRootCommand(TextWriter.Synchronized(output), TextWriter.Synchronized(error)).Parse(args).InvokeAsync().WaitAsync(Bound);
        return (code, output.ToString(), error.ToString());
    }

    private static async Task<List<JsonElement>> MetersAsync(HttpClient http)
    {
        using var document = JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/meters?pageSize=100", UriKind.Relative)));
        return [.. document.RootElement.GetProperty("items").EnumerateArray().Select(m => m.Clone())];
    }

    /// <summary>The web API's address, once serve has printed that it runs.</summary>
    private async Task<string> ApiAddressAsync(TextWriter synchronized, Task<int> serving)
    {
        string? text = null;
        await UntilAsync(() =>
        {
            // TextWriter.Synchronized locks the wrapper itself, so reading under that lock never races a write.
            lock (synchronized)
            {
                text = _serveOutput.ToString();
            }

            return Task.FromResult(text.Contains("Ctrl+C stops the node.", StringComparison.Ordinal));
        }, "serve started", serving);
        var line = text!.Split('\n').Single(l => l.TrimStart().StartsWith("web API:", StringComparison.Ordinal));
        return line.Trim()["web API:".Length..].Trim().Split(' ')[0];
    }

    private async Task UntilAsync(Func<Task<bool>> condition, string what, Task<int> running)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (!await condition())
        {
            Assert.False(running.IsCompleted, $"{what}: the command ended first: {_errors}");
            Assert.True(DateTime.UtcNow < deadline, $"{what}: not within {Bound.TotalSeconds} s; {_errors}");
            await Task.Delay(100);
        }
    }
}
