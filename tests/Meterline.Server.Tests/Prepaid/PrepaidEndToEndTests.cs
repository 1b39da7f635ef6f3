using System.Net;
using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Prepaid;
using Meterline.Meter.Control;

namespace Meterline.Server.Tests.Prepaid;

/// <summary>
/// End to end: a real simulated meter pushing over DLMS/TCP to a node with the example tariffs, its consumer on
/// prepaid with a little credit and disconnects allowed at any hour. The month's first readings bring the fixed
/// charge, the credit runs out, the node requests the disconnect through the command path (signed, ciphered), the
/// meter's relay opens and the state is read back; a top-up through the API requests the reconnect, which the meter
/// confirms.
/// </summary>
public sealed class PrepaidEndToEndTests
{
    private const string Serial = "MTL00000001";
    private const string Consumer = "C-E2E-1";

    [Fact]
    public async Task CreditRunsOut_RelayOpensThroughTheCommandPath_ThenATopUpReconnects()
    {
        await using var node = await RunningNode.StartAsync(o => o with
        {
            Tariffs = Path.Combine(RunningServer.RepositoryRoot(), "docs", "examples", "tariffs.json"),
            Analytics = null,
            Prepaid = new PrepaidOptions
            {
                LowBalanceThreshold = 10m,
                Window = new DisconnectWindow(new HeadEnd.Billing.TouWindow(0, 24 * 60), new HashSet<DateOnly>(), Weekends: true),
                EvaluationPeriod = TimeSpan.FromMilliseconds(500),
            },
        });
        await using var fleet = await TestFleet.StartAsync(1, node.PushEndpoint, speed: 120);
        var client = node.Client;
        using (var import = await Api.PostAsync(client, "/api/meters/import", await File.ReadAllTextAsync(fleet.ProvisioningPath), actor: "installer"))
        {
            Assert.Equal(HttpStatusCode.OK, import.StatusCode);
        }

        var meter = (await node.Node.Meters.FindBySerialAsync(Serial))!;
        await node.Node.Meters.UpdateRegistrationAsync(meter.Id, new MeterRegistration(meter.Serial, meter.SystemTitle, meter.ProfileId, Consumer,
            meter.Location, meter.TransformerId, meter.FeederId, meter.Endpoint, meter.SecurityLevel));
        var target = fleet.Simulator.Meters.Single(m => m.Id == Serial).Meter;
        Assert.True(target.Relay.OutputState);

        (await Api.SendAsync(client, HttpMethod.Put, $"/api/prepaid/{Consumer}", actor: "operator-1")).Dispose();
        using (var credit = await Api.PostAsync(client, $"/api/prepaid/{Consumer}/top-ups", """{"amount":1.00}""", "cashier", "first-credit"))
        {
            Assert.Equal(HttpStatusCode.Created, credit.StatusCode);
        }

        // The meter's pushes are priced; the fixed charge alone is more than the credit.
        var disconnect = await WaitForCommandAsync(node, meter.Id, CommandKind.Disconnect);
        Assert.Equal("Confirmed", disconnect.GetProperty("state").GetString());
        Assert.Equal("Disconnected", disconnect.GetProperty("result").GetProperty("relay").GetString());
        Assert.False(target.Relay.OutputState);
        Assert.Equal(DisconnectControlState.Disconnected, target.Relay.ControlState);
        var account = await client.GetFromJsonElementAsync($"/api/prepaid/{Consumer}");
        Assert.Equal("Disconnected", account.GetProperty("state").GetString());
        Assert.True(account.GetProperty("balance").GetDecimal() <= 0m);
        Assert.True(account.GetProperty("lowBalance").GetBoolean());

        // A top-up reconnects: the connect command is confirmed by the meter.
        using (var topUp = await Api.PostAsync(client, $"/api/prepaid/{Consumer}/top-ups", """{"amount":5000}""", "cashier", "second-credit"))
        {
            Assert.Equal(HttpStatusCode.Created, topUp.StatusCode);
            Assert.Equal("Connected", (await Api.JsonAsync(topUp)).GetProperty("account").GetProperty("state").GetString());
        }

        var connect = await WaitForCommandAsync(node, meter.Id, CommandKind.Connect);
        Assert.Equal("Confirmed", connect.GetProperty("state").GetString());
        Assert.NotEqual(DisconnectControlState.Disconnected, target.Relay.ControlState);
        var audit = await node.Node.Storage.Audit.GetRecentAsync(PrepaidAuditActions.Subject(Consumer), 100);
        Assert.Single(audit, r => r.Action == PrepaidAuditActions.DisconnectRequested);
        Assert.Single(audit, r => r.Action == PrepaidAuditActions.ReconnectRequested);
        Assert.Single(await node.Node.Storage.Commands.GetForMeterAsync(meter.Id, 100), c => c.Kind == CommandKind.Disconnect);
    }

    private static async Task<System.Text.Json.JsonElement> WaitForCommandAsync(RunningNode node, MeterId meter, CommandKind kind)
    {
        using var bound = new CancellationTokenSource(RunningNode.Bound);
        while (true)
        {
            var command = (await node.Node.Storage.Commands.GetForMeterAsync(meter, 100, bound.Token)).FirstOrDefault(c => c.Kind == kind && c.RequestedBy == PrepaidAuditActions.Actor);
            if (command is not null)
            {
                return await Api.WaitFinalAsync(node.Client, "/api/commands/" + command.Id.Value);
            }

            await Task.Delay(100, bound.Token);
        }
    }
}
