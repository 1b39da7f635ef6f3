using Meterline.Dlms.Apdus;
using Meterline.Dlms.Cosem;
using Meterline.Dlms.Security;
using Meterline.Meter.Security;

namespace Meterline.Meter.Tests.Meter;

/// <summary>A replayed secured request is counted by the meter and logged as event 170, at most once a minute, with an alert.</summary>
public sealed class SmartMeterReplayEventTests : IDisposable
{
    private static readonly CosemAttributeDescriptor ClockTime = new(8, ObisCode.Clock, 2);
    private readonly TestMeters _meters = new();

    public void Dispose() => _meters.Dispose();

    [Fact]
    public async Task ReplayedRequest_CountedEveryTime_LoggedOnceAMinuteWithAnAlert()
    {
        var meter = _meters.Create();
        var (connection, outcome) = await MeterConnection.OpenAsync(meter, _meters, "utility");
        await using var _ = connection;
        Assert.True(outcome.IsAssociated);
        var before = connection.Link.Sent.Count;
        Assert.Equal(DataAccessResult.Success, (await connection.Client.GetAsync(ClockTime).WaitAsync(MeterConnection.Timeout)).Result);
        var captured = connection.Link.Sent[before];
        DrainPushes(meter);

        await ReplayAsync(connection, captured);
        await ReplayAsync(connection, captured);

        Assert.Equal(2, meter.ReplaysRefused);
        Assert.Equal(1, meter.EventCounts.GetValueOrDefault(SecurityEventCodes.InvocationCounterRefused));
        Assert.Contains(DrainPushes(meter), alert => alert.IsAlert);

        _meters.Time.Advance(TimeSpan.FromMinutes(2));
        await ReplayAsync(connection, captured);

        Assert.Equal(3, meter.ReplaysRefused);
        Assert.Equal(2, meter.EventCounts.GetValueOrDefault(SecurityEventCodes.InvocationCounterRefused));
    }

    [Fact]
    public async Task FreshRequests_NoReplayCountedOrLogged()
    {
        var meter = _meters.Create();
        var (connection, _) = await MeterConnection.OpenAsync(meter, _meters, "utility");
        await using var _1 = connection;

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(DataAccessResult.Success, (await connection.Client.GetAsync(ClockTime).WaitAsync(MeterConnection.Timeout)).Result);
        }

        Assert.Equal(0, meter.ReplaysRefused);
        Assert.Equal(0, meter.EventCounts.GetValueOrDefault(SecurityEventCodes.InvocationCounterRefused));
    }

    /// <summary>Sends captured bytes again and waits until the link has processed them (a fresh read behind them is answered).</summary>
    private static async Task ReplayAsync(MeterConnection connection, byte[] apdu)
    {
        var refused = connection.Client.StaleResponses + connection.Client.RejectedApdus;
        await connection.Link.SendAsync(apdu);
        for (var waited = 0; connection.Client.StaleResponses + connection.Client.RejectedApdus == refused && waited < 2000; waited += 20)
        {
            await Task.Delay(20);
        }

        Assert.Equal(DataAccessResult.Success, (await connection.Client.GetAsync(ClockTime).WaitAsync(MeterConnection.Timeout)).Result);
    }

    private static List<Meterline.Meter.Push.PushMessage> DrainPushes(SmartMeter meter)
    {
        var taken = new List<Meterline.Meter.Push.PushMessage>();
        while (taken.Count < 100 && meter.TryTakePush(out var push))
        {
            meter.CompletePush(push.Sequence, delivered: true);
            taken.Add(push);
        }

        return taken;
    }
}
