using System.Diagnostics.CodeAnalysis;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Associations;
using Meterline.Dlms.Cosem;
using Meterline.Dlms.Links;
using Meterline.Dlms.Security;
using Meterline.Meter.Control;

namespace Meterline.Meter.Tests.Meter;

/// <summary>The meter as a DLMS client sees it, through the real server and client over a link.</summary>
public sealed class SmartMeterDlmsTests : IDisposable
{
    private static readonly CosemMethodDescriptor RemoteDisconnect = new(70, new ObisCode(0, 0, 96, 3, 10, 255), 1);
    private static readonly CosemMethodDescriptor RemoteReconnect = new(70, new ObisCode(0, 0, 96, 3, 10, 255), 2);
    private static readonly CosemAttributeDescriptor ClockTime = new(8, ObisCode.Clock, 2);
    private readonly TestMeters _meters = new();

    public void Dispose() => _meters.Dispose();

    [Theory]
    [InlineData("public")]
    [InlineData("reader")]
    [InlineData("utility")]
    [InlineData("push")]
    public async Task Get_EveryAttributeOfEveryObject_GrantsExactlyWhatTheProfileSays(string associationId)
    {
        var meter = _meters.Create();
        _meters.Time.Advance(TimeSpan.FromHours(2));
        var (connection, outcome) = await MeterConnection.OpenAsync(meter, _meters, associationId);
        await using var _ = connection;
        Assert.True(outcome.IsAssociated, $"{associationId}: {outcome.Diagnostic}");
        var checkedAttributes = 0;
        foreach (var profileObject in TestMeters.Profile.Objects)
        {
            var cosem = meter.Objects[profileObject.LogicalName];
            for (sbyte attribute = 1; attribute <= cosem.AttributeCount; attribute++)
            {
                var result = await connection.Client.GetAsync(new CosemAttributeDescriptor(profileObject.ClassId, profileObject.LogicalName, attribute)).WaitAsync(MeterConnection.Timeout);
                var expected = !profileObject.IsVisibleTo(associationId) ? DataAccessResult.ObjectUndefined
                    : !profileObject.CanRead(associationId) ? DataAccessResult.ReadWriteDenied
                    : profileObject.ClassId == 15 && attribute == 7 ? DataAccessResult.ReadWriteDenied // the secret is never readable
                    : DataAccessResult.Success;
                Assert.True(expected == result.Result, $"{associationId} reading {profileObject.LogicalName}/{attribute}: expected {expected}, got {result.Result}");
                checkedAttributes++;
            }
        }

        Assert.True(checkedAttributes > 250);
    }

    [Fact]
    public async Task ObjectList_OfEachAssociation_ListsExactlyTheVisibleObjects()
    {
        var meter = _meters.Create();
        foreach (var associationId in new[] { "public", "reader", "utility" })
        {
            var (connection, _) = await MeterConnection.OpenAsync(meter, _meters, associationId);
            await using var __ = connection;
            var list = await connection.Client.GetAsync(new CosemAttributeDescriptor(15, ObisCode.CurrentAssociation, 2)).WaitAsync(MeterConnection.Timeout);
            var names = Assert.IsType<CosemData.Array>(list.Data).Items
                .Select(e => ObisCode.Decode(((CosemData.OctetString)((CosemData.Structure)e).Items[2]).Value.Span, out _))
                .ToHashSet();
            Assert.Equal(TestMeters.Profile.ObjectListOf(associationId).Select(o => o.LogicalName).ToHashSet(), names);
        }
    }

    [Fact]
    public async Task Set_ClockThroughReader_IsRefusedAndThroughUtilityIsApplied()
    {
        var meter = _meters.Create();
        var newTime = CosemData.OctetString.FromDateTime(meter.Clock.ToCosem(meter.Clock.UtcNow.AddMinutes(-10)));
        var (reader, _) = await MeterConnection.OpenAsync(meter, _meters, "reader");
        await using (reader)
        {
            // SET is not even in the reader's negotiated conformance: the server refuses the service itself.
            var refused = await Assert.ThrowsAsync<Dlms.DlmsProtocolException>(() => reader.Client.SetAsync(ClockTime, newTime).WaitAsync(MeterConnection.Timeout));
            Assert.Contains("ServiceNotAllowed", refused.Message, StringComparison.Ordinal);
        }

        Assert.True(Math.Abs(meter.Clock.Error.TotalSeconds) < 1);
        var (utility, _) = await MeterConnection.OpenAsync(meter, _meters, "utility");
        await using (utility)
        {
            Assert.Equal(DataAccessResult.Success, await utility.Client.SetAsync(ClockTime, newTime).WaitAsync(MeterConnection.Timeout));
        }

        Assert.InRange(meter.Clock.Error.TotalMinutes, -10.1, -9.9);
        Assert.Equal(1, meter.EventCounts.GetValueOrDefault((ushort)151));
    }

    [Fact]
    public async Task Disconnect_ThroughMeterReader_IsRefusedAndTheRelayStays()
    {
        var meter = _meters.Create();
        var (connection, _) = await MeterConnection.OpenAsync(meter, _meters, "reader");
        await using var _ = connection;

        // ACTION is not in the reader's negotiated conformance: the service itself is refused.
        var refused = await Assert.ThrowsAsync<Dlms.DlmsProtocolException>(() => connection.Client.ActionAsync(RemoteDisconnect, new CosemData.Integer(0)).WaitAsync(MeterConnection.Timeout));

        Assert.Contains("ServiceNotAllowed", refused.Message, StringComparison.Ordinal);
        Assert.True(meter.Relay.OutputState);
        Assert.Equal(0, meter.EventCounts.GetValueOrDefault((ushort)301));
    }

    [Fact]
    public async Task Disconnect_ThroughPublicClient_IsRefused()
    {
        var meter = _meters.Create();
        var (connection, _) = await MeterConnection.OpenAsync(meter, _meters, "public");
        await using var _ = connection;

        var refused = await Assert.ThrowsAsync<Dlms.DlmsProtocolException>(() => connection.Client.ActionAsync(RemoteDisconnect, new CosemData.Integer(0)).WaitAsync(MeterConnection.Timeout));

        Assert.Contains("ServiceNotAllowed", refused.Message, StringComparison.Ordinal);
        Assert.True(meter.Relay.OutputState);
    }

    [Fact]
    public async Task Disconnect_ThroughPushAssociation_IsDeniedByTheAccessRights()
    {
        var meter = _meters.Create();
        var (connection, _) = await MeterConnection.OpenAsync(meter, _meters, "push");
        await using var _ = connection;

        var (result, _) = await connection.Client.ActionAsync(RemoteDisconnect, new CosemData.Integer(0)).WaitAsync(MeterConnection.Timeout);

        Assert.Equal(ActionResult.ObjectUndefined, result);
        Assert.True(meter.Relay.OutputState);
    }

    [Fact]
    public async Task Disconnect_ThroughUtility_OpensTheRelayStopsTheLoadAndLogsAControlEvent()
    {
        var meter = _meters.Create();
        var (connection, _) = await MeterConnection.OpenAsync(meter, _meters, "utility");
        await using var _ = connection;

        var (result, _) = await connection.Client.ActionAsync(RemoteDisconnect, new CosemData.Integer(0)).WaitAsync(MeterConnection.Timeout);

        Assert.Equal(ActionResult.Success, result);
        Assert.False(meter.Relay.OutputState);
        Assert.Equal(DisconnectControlState.Disconnected, meter.Relay.ControlState);
        _meters.Time.Advance(TimeSpan.FromMinutes(5));
        meter.AdvanceTo();
        Assert.Equal(0, meter.LastSample.PhaseCurrent);
        Assert.Equal(1, meter.EventLog(6).EntriesInUse);
        Assert.Equal(301, meter.EventLog(6).GetRow(0)[1]);
    }

    [Fact]
    public async Task Disconnect_ReplayedCipheredRequest_DoesNothing()
    {
        var meter = _meters.Create();
        var (connection, _) = await MeterConnection.OpenAsync(meter, _meters, "utility");
        await using var _ = connection;
        var before = connection.Link.Sent.Count;
        Assert.Equal(ActionResult.Success, (await connection.Client.ActionAsync(RemoteDisconnect, new CosemData.Integer(0)).WaitAsync(MeterConnection.Timeout)).Result);
        var disconnect = connection.Link.Sent[before];
        Assert.Equal(ActionResult.Success, (await connection.Client.ActionAsync(RemoteReconnect, new CosemData.Integer(0)).WaitAsync(MeterConnection.Timeout)).Result);
        Assert.True(meter.Relay.ManualReconnect());
        Assert.True(meter.Relay.OutputState);

        // The captured, validly ciphered disconnect is sent again, byte for byte.
        var answered = connection.Client.StaleResponses + connection.Client.RejectedApdus;
        await connection.Link.SendAsync(disconnect);
        var waited = TimeSpan.Zero;
        while (connection.Client.StaleResponses + connection.Client.RejectedApdus == answered && waited < TimeSpan.FromSeconds(2))
        {
            await Task.Delay(20);
            waited += TimeSpan.FromMilliseconds(20);
        }

        // The link is served in order: once this read is answered, the replay has been processed.
        Assert.Equal(DataAccessResult.Success, (await connection.Client.GetAsync(ClockTime).WaitAsync(MeterConnection.Timeout)).Result);
        Assert.True(meter.Relay.OutputState);
        Assert.Equal(DisconnectControlState.Connected, meter.Relay.ControlState);
        Assert.Equal(1, meter.EventCounts.GetValueOrDefault((ushort)301));
    }

    [Fact]
    public async Task OpenCover_SendsTheAlarmThenErasesTheKeys()
    {
        var meter = _meters.Create();
        _meters.Time.Advance(TimeSpan.FromMinutes(3));

        meter.OpenCover();

        // The alarm went out protected with the keys the meter had, and the head-end can verify it.
        Assert.True(meter.TryTakePush(out var alarm));
        Assert.True(alarm.IsAlert);
        var notification = await VerifyAsync(alarm.Apdu, meter.SystemTitle, _meters.EncryptionKey, _meters.AuthenticationKey);
        var body = Assert.IsType<CosemData.Structure>(notification.Notification.NotificationBody);
        Assert.Contains(new CosemData.LongUnsigned(251), body.Items);
        meter.CompletePush(alarm.Sequence, delivered: true);

        // Then the keys are gone: the utility association fails, the reader (no keys) still reads on site.
        Assert.False(meter.Keys.HasKeys);
        var (utility, outcome) = await MeterConnection.OpenAsync(meter, _meters, "utility");
        await using (utility)
        {
            Assert.False(outcome.IsAssociated);
        }

        var (reader, readerOutcome) = await MeterConnection.OpenAsync(meter, _meters, "reader");
        await using (reader)
        {
            Assert.True(readerOutcome.IsAssociated);
            var log = await reader.Client.GetAsync(new CosemAttributeDescriptor(7, new ObisCode(0, 0, 99, 98, 5, 255), 2)).WaitAsync(MeterConnection.Timeout);
            Assert.Single(Assert.IsType<CosemData.Array>(log.Data).Items);
        }

        Assert.Equal(1UL, meter.TamperCount);
    }

    [Fact]
    public async Task Restart_SendingCounter_NeverRepeatsAndTheKeysSurvive()
    {
        var meter = _meters.Create();
        var (first, _) = await MeterConnection.OpenAsync(meter, _meters, "utility");
        await first.DisposeAsync();
        var used = meter.NextInvocationCounter;

        var restarted = _meters.Create();

        Assert.True(restarted.NextInvocationCounter >= used);
        var (second, outcome) = await MeterConnection.OpenAsync(restarted, _meters, "utility", new OutgoingInvocationCounter(10_000));
        await using var _ = second;
        Assert.True(outcome.IsAssociated);
    }

    [Fact]
    public async Task Restart_ReplayOfAnOldClientCounter_IsStillRefused()
    {
        var meter = _meters.Create();
        var (first, _) = await MeterConnection.OpenAsync(meter, _meters, "utility", new OutgoingInvocationCounter(500));
        await first.DisposeAsync();

        var restarted = _meters.Create();
        var (second, outcome) = await MeterConnection.OpenAsync(restarted, _meters, "utility", new OutgoingInvocationCounter(400));
        await using var _ = second;

        Assert.False(outcome.IsAssociated);
    }

    private static async Task<PushNotification> VerifyAsync(ReadOnlyMemory<byte> apdu, SystemTitle sender, CipherKey encryption, CipherKey authentication)
    {
        var listener = new PushListener(new SingleKey(sender, new AesGcmCipher(encryption, authentication)), new InvocationCounterGuard());
        var (meterSide, headEndSide) = InMemoryDuplexPipe.CreatePair();
        await using var meterLink = WrapperLink.Start(meterSide, 1, 1);
        await using var headEndLink = WrapperLink.Start(headEndSide, 1, 1);
        using var stop = new CancellationTokenSource();
        var attached = listener.AttachAsync(headEndLink, "test", cancellationToken: stop.Token);
        await meterLink.SendAsync(apdu);
        var notification = await listener.Notifications.ReadAsync().AsTask().WaitAsync(MeterConnection.Timeout);
        await stop.CancelAsync();
        await attached.WaitAsync(MeterConnection.Timeout);
        return notification;
    }

    private sealed class SingleKey(SystemTitle sender, AesGcmCipher cipher) : ISenderKeyResolver
    {
        public bool TryGetCipher(SystemTitle title, [NotNullWhen(true)] out AesGcmCipher? found)
        {
            found = title == sender ? cipher : null;
            return found is not null;
        }
    }
}
