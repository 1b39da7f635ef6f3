using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Meterline.HeadEnd.Dlms.Tests.Commands;
using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Meters;
using Meterline.Meter.Control;
using Meterline.Meter.Security;

namespace Meterline.Server.Tests;

/// <summary>
/// The test: a remote disconnect asked through the API reaches a real simulated meter over DLMS/TCP, its
/// relay opens and the state is read back; the audit log verifies. Then the disconnect, recorded on the wire by a
/// relay between the head-end and the meter, is replayed to the meter on a connection of its own: the meter refuses
/// the stale invocation counter, its relay does not move, it logs the replay (event 170) and pushes the alert, and the
/// head-end audits it as meter.replay-refused.
/// </summary>
public sealed class DisconnectReplayTests
{
    private const string Serial = "MTL00000001";

    [Fact]
    public async Task Disconnect_ThroughTheApi_RelayOpensAndReadsBack_ThenTheReplayedCommandDoesNothingAndIsAudited()
    {
        await using var node = await RunningNode.StartAsync();
        await using var fleet = await TestFleet.StartAsync(2, node.PushEndpoint);
        var client = node.Client;
        using (var import = await Api.PostAsync(client, "/api/meters/import", await File.ReadAllTextAsync(fleet.ProvisioningPath), actor: "installer"))
        {
            Assert.Equal(2, (await Api.JsonAsync(import)).GetProperty("added").GetInt32());
        }

        var target = fleet.Simulator.Meters.Single(m => m.Id == Serial).Meter;
        await using var wire = new WrapperProxy(fleet.Port);
        await RouteThroughAsync(node, wire.Port, fleet.Port);
        Assert.True(target.Relay.OutputState);

        // The disconnect, through the API, to the meter and back.
        var disconnect = await RunAsync(client, "disconnect", "operator-7");
        Assert.Equal("Confirmed", disconnect.GetProperty("state").GetString());
        Assert.Equal("Disconnected", disconnect.GetProperty("result").GetProperty("relay").GetString());
        Assert.False(target.Relay.OutputState);
        Assert.Equal(DisconnectControlState.Disconnected, target.Relay.ControlState);
        Assert.Equal("Disconnected", (await client.GetFromJsonElementAsync($"/api/meters/{Serial}")).GetProperty("relayState").GetString());
        var audit = await AuditAsync(client);
        Assert.Contains(audit, e => e.Action == "command.disconnect.requested" && e.Actor == "operator-7" && e.Subject == Serial);
        Assert.Contains(audit, e => e.Action == "command.disconnect.sent" && e.Subject == Serial);
        Assert.Contains(audit, e => e.Action == "command.disconnect.confirmed" && e.Subject == Serial);
        await AssertAuditIntactAsync(client);

        // What an eavesdropper captured of that disconnect; then the customer is reconnected.
        var captured = wire.Frames;
        Assert.Contains(captured, frame => frame.Length > 8 && frame[8] == 0xDB); // requests went general-glo-ciphered
        var connect = await RunAsync(client, "connect", "operator-7");
        Assert.Equal("Confirmed", connect.GetProperty("state").GetString());
        if (!target.Relay.OutputState)
        {
            Assert.True(target.Relay.ManualReconnect()); // control mode 1: the customer closes the relay at the meter
        }

        Assert.True(target.Relay.OutputState);
        var refusedBefore = target.ReplaysRefused;
        var eventsBefore = target.EventCounts.GetValueOrDefault(SecurityEventCodes.InvocationCounterRefused);

        // The replay, on a fresh connection and association of its own.
        var answered = await ReplayAsync(fleet.Port, captured);

        Assert.True(target.Relay.OutputState);
        Assert.Equal(DisconnectControlState.Connected, target.Relay.ControlState);
        Assert.True(target.ReplaysRefused > refusedBefore, $"the meter refused no stale counter ({answered} of {captured.Count} frames answered)");
        Assert.Equal(eventsBefore + 1, target.EventCounts.GetValueOrDefault(SecurityEventCodes.InvocationCounterRefused));
        var replayAudit = await WaitForAuditAsync(client, IngestPipeline.ReplayRefusedAction);
        Assert.Equal(Serial, replayAudit.Subject);
        Assert.Equal(SecurityEventCodes.InvocationCounterRefused, replayAudit.Detail.GetProperty("eventCode").GetInt32());
        var events = await client.GetFromJsonElementAsync($"/api/meters/{Serial}/events?from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z");
        Assert.Contains(events.EnumerateArray(), e => e.GetProperty("code").GetInt32() == SecurityEventCodes.InvocationCounterRefused);

        // The head-end still commands the meter, and nothing the replay did broke the audit chain.
        var again = await RunAsync(client, "disconnect", "operator-7");
        Assert.Equal("Confirmed", again.GetProperty("state").GetString());
        Assert.False(target.Relay.OutputState);
        await AssertAuditIntactAsync(client);
    }

    private static async Task RouteThroughAsync(RunningNode node, int relayPort, int meterPort)
    {
        var meter = (await node.Node.Meters.FindBySerialAsync(Serial))!;
        var endpoint = meter.Endpoint!.ToString().Replace($":{meterPort}?", $":{relayPort}?", StringComparison.Ordinal);
        await node.Node.Meters.UpdateRegistrationAsync(meter.Id, new MeterRegistration(meter.Serial, meter.SystemTitle, meter.ProfileId, meter.ConsumerId,
            meter.Location, meter.TransformerId, meter.FeederId, new MeterEndpoint(endpoint), meter.SecurityLevel));
    }

    private static async Task<JsonElement> RunAsync(HttpClient client, string kind, string actor)
    {
        using var created = await Api.PostAsync(client, "/api/commands", $$"""{"meter":"{{Serial}}","kind":"{{kind}}"}""", actor);
        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        return await Api.WaitFinalAsync(client, created.Headers.Location!.OriginalString);
    }

    private static async Task AssertAuditIntactAsync(HttpClient client)
    {
        using var response = await Api.PostAsync(client, "/api/audit/verify", string.Empty);
        var verification = await Api.JsonAsync(response);
        Assert.True(verification.GetProperty("intact").GetBoolean(), verification.ToString());
    }

    private static async Task<List<AuditEntry>> AuditAsync(HttpClient client)
    {
        var entries = new List<AuditEntry>();
        long? after = 0;
        while (after is { } from)
        {
            var page = await client.GetFromJsonElementAsync($"/api/audit?after={from}&pageSize=1000");
            entries.AddRange(page.GetProperty("items").EnumerateArray().Select(e => new AuditEntry(
                e.GetProperty("actor").GetString()!, e.GetProperty("action").GetString()!, e.GetProperty("subject").GetString()!, e.GetProperty("detail"))));
            after = page.GetProperty("nextAfter").ValueKind == JsonValueKind.Null ? null : page.GetProperty("nextAfter").GetInt64();
        }

        return entries;
    }

    private static async Task<AuditEntry> WaitForAuditAsync(HttpClient client, string action)
    {
        using var bound = new CancellationTokenSource(RunningNode.Bound);
        while (true)
        {
            if ((await AuditAsync(client)).FirstOrDefault(e => e.Action == action) is { } found)
            {
                return found;
            }

            await Task.Delay(200, bound.Token);
        }
    }

    /// <summary>Sends the captured frames one by one on a new connection, waiting briefly for each answer; returns how many were answered.</summary>
    private static async Task<int> ReplayAsync(int port, IReadOnlyList<byte[]> frames)
    {
        using var replay = new TcpClient();
        await replay.ConnectAsync(IPAddress.Loopback, port);
        var stream = replay.GetStream();
        var answered = 0;
        foreach (var frame in frames)
        {
            await stream.WriteAsync(frame);
            answered += await TryReadFrameAsync(stream, TimeSpan.FromSeconds(2)) ? 1 : 0;
        }

        return answered;
    }

    private static async Task<bool> TryReadFrameAsync(NetworkStream stream, TimeSpan wait)
    {
        using var timeout = new CancellationTokenSource(wait);
        var header = new byte[8];
        try
        {
            await stream.ReadExactlyAsync(header, timeout.Token);
            await stream.ReadExactlyAsync(new byte[BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(6))], timeout.Token);
            return true;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or EndOfStreamException)
        {
            return false;
        }
    }

    /// <summary>Splits a TCP byte stream into IEC 62056-47 wrapper frames (8-byte header: version, source and destination wPort, length).</summary>
    private sealed record AuditEntry(string Actor, string Action, string Subject, JsonElement Detail);
}
