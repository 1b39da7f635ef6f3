using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Meterline.Dlms;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Cosem;
using Meterline.Dlms.Security;
using Meterline.Meter.Control;
using Meterline.Meter.Security;

namespace Meterline.Meter.Tests.Meter;

/// <summary>
/// A meter that holds the head-end's public key demands signed relay, key and calendar commands: through the real
/// DLMS server and client, with a client link that signs like a head-end.
/// </summary>
public sealed class SmartMeterSignedCommandTests : IDisposable
{
    private static readonly CosemMethodDescriptor RemoteDisconnect = new(70, new ObisCode(0, 0, 96, 3, 10, 255), 1);
    private static readonly CosemMethodDescriptor RemoteReconnect = new(70, new ObisCode(0, 0, 96, 3, 10, 255), 2);
    private static readonly CosemMethodDescriptor ImportCertificate = new(64, new ObisCode(0, 0, 43, 0, 3, 255), 6);
    private static readonly CosemAttributeDescriptor CalendarActivationTime = new(20, new ObisCode(0, 0, 13, 0, 0, 255), 10);
    private static readonly CosemAttributeDescriptor ClockTime = new(8, ObisCode.Clock, 2);
    private static readonly SystemTitle MeterTitle = SystemTitle.Parse("4D544C0000000001");
    private readonly TestMeters _meters = new();
    private readonly ECDsa _hesKey = EcdsaP256.GenerateKeyPair();
    private readonly ECDsa _otherKey = EcdsaP256.GenerateKeyPair();

    public void Dispose()
    {
        _hesKey.Dispose();
        _otherKey.Dispose();
        _meters.Dispose();
    }

    [Fact]
    public async Task Disconnect_SignedByTheTrustedKey_OpensTheRelay()
    {
        var meter = CreateTrusting(_hesKey);
        var (connection, _, _) = await OpenSigningAsync(meter, _hesKey);
        await using var _ = connection;

        var (result, _) = await connection.Client.ActionAsync(RemoteDisconnect, new CosemData.Integer(0)).WaitAsync(MeterConnection.Timeout);

        Assert.Equal(ActionResult.Success, result);
        Assert.False(meter.Relay.OutputState);
        Assert.Equal(DisconnectControlState.Disconnected, meter.Relay.ControlState);
        Assert.Equal(0, SignatureEvents(meter));
    }

    [Fact]
    public async Task Disconnect_Unsigned_RefusedNothingChangesAndLogged()
    {
        var meter = CreateTrusting(_hesKey);
        var (connection, _) = await MeterConnection.OpenAsync(meter, _meters, "utility");
        await using var _ = connection;

        var (result, _) = await connection.Client.ActionAsync(RemoteDisconnect, new CosemData.Integer(0)).WaitAsync(MeterConnection.Timeout);

        Assert.Equal(ActionResult.ReadWriteDenied, result);
        Assert.True(meter.Relay.OutputState);
        Assert.Equal(1, meter.EventCounts.GetValueOrDefault(SecurityEventCodes.SignatureMissing));
        Assert.Equal(SecurityEventCodes.SignatureMissing, LastTransactionEvent(meter));
    }

    [Fact]
    public async Task Disconnect_SignedByAnotherKey_RefusedNothingChangesAndLogged()
    {
        var meter = CreateTrusting(_hesKey);
        var (connection, _, _) = await OpenSigningAsync(meter, _otherKey);
        await using var _ = connection;

        await Assert.ThrowsAnyAsync<DlmsException>(() => connection.Client.ActionAsync(RemoteDisconnect, new CosemData.Integer(0)).WaitAsync(MeterConnection.Timeout));

        Assert.True(meter.Relay.OutputState);
        Assert.Equal(1, meter.EventCounts.GetValueOrDefault(SecurityEventCodes.SignatureInvalid));
        Assert.Equal(DataAccessResult.Success, (await connection.Client.GetAsync(ClockTime).WaitAsync(MeterConnection.Timeout)).Result);
    }

    [Fact]
    public async Task Disconnect_SignatureTampered_RefusedNothingChangesAndLogged()
    {
        var meter = CreateTrusting(_hesKey);
        var (connection, signing, _) = await OpenSigningAsync(meter, _hesKey);
        await using var _ = connection;
        signing.TamperSignature = true;

        await Assert.ThrowsAnyAsync<DlmsException>(() => connection.Client.ActionAsync(RemoteDisconnect, new CosemData.Integer(0)).WaitAsync(MeterConnection.Timeout));

        Assert.True(meter.Relay.OutputState);
        Assert.Equal(1, meter.EventCounts.GetValueOrDefault(SecurityEventCodes.SignatureInvalid));
    }

    [Fact]
    public async Task Disconnect_SignedRequestReplayed_RefusedNothingChangesAndLogged()
    {
        var meter = CreateTrusting(_hesKey);
        var (connection, signing, _) = await OpenSigningAsync(meter, _hesKey);
        await using var _ = connection;
        Assert.Equal(ActionResult.Success, (await connection.Client.ActionAsync(RemoteDisconnect, new CosemData.Integer(0)).WaitAsync(MeterConnection.Timeout)).Result);
        var disconnect = signing.Signed[^1];
        Assert.Equal(ActionResult.Success, (await connection.Client.ActionAsync(RemoteReconnect, new CosemData.Integer(0)).WaitAsync(MeterConnection.Timeout)).Result);
        Assert.True(meter.Relay.ManualReconnect());

        await ReplayAsync(connection, disconnect);

        Assert.True(meter.Relay.OutputState);
        Assert.Equal(DisconnectControlState.Connected, meter.Relay.ControlState);
        Assert.Equal(1, meter.EventCounts.GetValueOrDefault(SecurityEventCodes.SignedRequestReplayed));
        Assert.Equal(1, meter.EventCounts.GetValueOrDefault((ushort)301));
    }

    [Fact]
    public async Task Disconnect_TransactionIdNotFresh_RefusedThoughItsCounterIsFresh()
    {
        var meter = CreateTrusting(_hesKey);
        var (connection, signing, _) = await OpenSigningAsync(meter, _hesKey);
        await using var _ = connection;
        signing.TransactionId = () => 500;
        Assert.Equal(ActionResult.Success, (await connection.Client.ActionAsync(RemoteReconnect, new CosemData.Integer(0)).WaitAsync(MeterConnection.Timeout)).Result);

        // A new request (new invocation counter, valid signature) reusing transaction-id 500.
        await Assert.ThrowsAnyAsync<DlmsException>(() => connection.Client.ActionAsync(RemoteDisconnect, new CosemData.Integer(0)).WaitAsync(MeterConnection.Timeout));

        Assert.True(meter.Relay.OutputState);
        Assert.Equal(1, meter.EventCounts.GetValueOrDefault(SecurityEventCodes.SignedRequestReplayed));
        signing.TransactionId = () => 501;
        Assert.Equal(ActionResult.Success, (await connection.Client.ActionAsync(RemoteDisconnect, new CosemData.Integer(0)).WaitAsync(MeterConnection.Timeout)).Result);
        Assert.False(meter.Relay.OutputState);
    }

    [Fact]
    public async Task Replay_AfterTheMeterRestarts_StillRefusedAsAReplay()
    {
        var meter = CreateTrusting(_hesKey);
        byte[] disconnect;
        var (connection, signing, _) = await OpenSigningAsync(meter, _hesKey);
        await using (connection)
        {
            Assert.Equal(ActionResult.Success, (await connection.Client.ActionAsync(RemoteDisconnect, new CosemData.Integer(0)).WaitAsync(MeterConnection.Timeout)).Result);
            disconnect = signing.Signed[^1];
            Assert.Equal(ActionResult.Success, (await connection.Client.ActionAsync(RemoteReconnect, new CosemData.Integer(0)).WaitAsync(MeterConnection.Timeout)).Result);
        }

        meter.SaveState();
        var restarted = _meters.Create();
        Assert.True(restarted.SignaturesEnforced);
        Assert.True(restarted.Relay.OutputState);
        var (again, _, _) = await OpenSigningAsync(restarted, _hesKey, firstCounter: 1000);
        await using var __ = again;

        await ReplayAsync(again, disconnect);

        Assert.True(restarted.Relay.OutputState);
        Assert.Equal(1, restarted.EventCounts.GetValueOrDefault(SecurityEventCodes.SignedRequestReplayed));
    }

    [Fact]
    public async Task CalendarActivationTime_UnsignedWrite_RefusedAndLoggedWhileReadsStillWork()
    {
        var meter = CreateTrusting(_hesKey);
        var (connection, _) = await MeterConnection.OpenAsync(meter, _meters, "utility");
        await using var _ = connection;
        var before = meter.Calendar!.ActivatePassiveCalendarTime;
        var at = CosemData.OctetString.FromDateTime(CosemDateTime.FromDateTimeOffset(TestMeters.Start.AddDays(2), ClockStatus.Ok, TestMeters.Profile.Deviation));

        var result = await connection.Client.SetAsync(CalendarActivationTime, at).WaitAsync(MeterConnection.Timeout);

        Assert.Equal(DataAccessResult.ReadWriteDenied, result);
        Assert.Equal(before, meter.Calendar.ActivatePassiveCalendarTime);
        Assert.Equal(1, meter.EventCounts.GetValueOrDefault(SecurityEventCodes.SignatureMissing));
        Assert.Equal(DataAccessResult.Success, (await connection.Client.GetAsync(CalendarActivationTime).WaitAsync(MeterConnection.Timeout)).Result);
    }

    [Fact]
    public async Task CalendarActivationTime_SignedWrite_Accepted()
    {
        var meter = CreateTrusting(_hesKey);
        var (connection, _, _) = await OpenSigningAsync(meter, _hesKey);
        await using var _ = connection;
        var at = CosemDateTime.FromDateTimeOffset(TestMeters.Start.AddDays(2), ClockStatus.Ok, TestMeters.Profile.Deviation);

        var result = await connection.Client.SetAsync(CalendarActivationTime, CosemData.OctetString.FromDateTime(at)).WaitAsync(MeterConnection.Timeout);

        Assert.Equal(DataAccessResult.Success, result);
        Assert.Equal(at, meter.Calendar!.ActivatePassiveCalendarTime);
    }

    [Fact]
    public async Task Disconnect_SignedToAMeterWithoutATrustedKey_RefusedAsNotSupported()
    {
        var meter = _meters.Create();
        Assert.False(meter.SignaturesEnforced);
        var (connection, _, _) = await OpenSigningAsync(meter, _hesKey);
        await using var _ = connection;

        var failure = await Assert.ThrowsAnyAsync<DlmsException>(() => connection.Client.ActionAsync(RemoteDisconnect, new CosemData.Integer(0)).WaitAsync(MeterConnection.Timeout));

        Assert.Contains("ServiceNotSupported", failure.Message, StringComparison.Ordinal);
        Assert.True(meter.Relay.OutputState);
        Assert.Equal(0, SignatureEvents(meter));
    }

    [Fact]
    public async Task ImportCertificate_SignedUnderTheCurrentKey_ReplacesTheTrustedKey()
    {
        var meter = CreateTrusting(_hesKey);
        var (connection, _, _) = await OpenSigningAsync(meter, _hesKey);
        await using (connection)
        {
            var (result, _) = await connection.Client.ActionAsync(ImportCertificate, new CosemData.OctetString(Certificate(_otherKey))).WaitAsync(MeterConnection.Timeout);
            Assert.Equal(ActionResult.Success, result);
        }

        Assert.Equal(1, meter.EventCounts.GetValueOrDefault(SecurityEventCodes.HesPublicKeyChanged));
        var (old, _, _) = await OpenSigningAsync(meter, _hesKey, firstCounter: 100);
        await using (old)
        {
            await Assert.ThrowsAnyAsync<DlmsException>(() => old.Client.ActionAsync(RemoteDisconnect, new CosemData.Integer(0)).WaitAsync(MeterConnection.Timeout));
        }

        // The new signer numbers its transactions from 1 again: the marks of the old key were forgotten.
        var (renewed, _, _) = await OpenSigningAsync(meter, _otherKey, firstCounter: 200);
        await using var _ = renewed;
        Assert.Equal(ActionResult.Success, (await renewed.Client.ActionAsync(RemoteDisconnect, new CosemData.Integer(0)).WaitAsync(MeterConnection.Timeout)).Result);
        Assert.False(meter.Relay.OutputState);
    }

    [Fact]
    public async Task ImportCertificate_Unsigned_RefusedOnceTheMeterTrustsAKey()
    {
        var meter = CreateTrusting(_hesKey);
        var (connection, _) = await MeterConnection.OpenAsync(meter, _meters, "utility");
        await using var _ = connection;

        var (result, _) = await connection.Client.ActionAsync(ImportCertificate, new CosemData.OctetString(Certificate(_otherKey))).WaitAsync(MeterConnection.Timeout);

        Assert.Equal(ActionResult.ReadWriteDenied, result);
        Assert.Equal(Point(_hesKey), meter.Keys.HesPublicKey!.Value.ToArray());
        Assert.Equal(1, meter.EventCounts.GetValueOrDefault(SecurityEventCodes.SignatureMissing));
    }

    [Fact]
    public async Task ImportCertificate_MeterTrustingNoKey_TheUtilityAssociationInstallsTheFirst()
    {
        var meter = _meters.Create();
        var (connection, _) = await MeterConnection.OpenAsync(meter, _meters, "utility");
        await using (connection)
        {
            var (result, _) = await connection.Client.ActionAsync(ImportCertificate, new CosemData.OctetString(Certificate(_hesKey))).WaitAsync(MeterConnection.Timeout);
            Assert.Equal(ActionResult.Success, result);
            Assert.True(meter.SignaturesEnforced);
            Assert.Equal(ActionResult.ReadWriteDenied, (await connection.Client.ActionAsync(RemoteDisconnect, new CosemData.Integer(0)).WaitAsync(MeterConnection.Timeout)).Result);
        }

        var restarted = _meters.Create();
        Assert.Equal(Point(_hesKey), restarted.Keys.HesPublicKey!.Value.ToArray());
    }

    [Fact]
    public void InstallHesPublicKey_OnSite_EnforcesSignaturesAndLogsTheChange()
    {
        var meter = _meters.Create();

        meter.InstallHesPublicKey(Point(_hesKey));
        meter.InstallHesPublicKey(Point(_hesKey));

        Assert.True(meter.SignaturesEnforced);
        Assert.Equal(1, meter.EventCounts.GetValueOrDefault(SecurityEventCodes.HesPublicKeyChanged));
        Assert.Throws<InvalidOperationException>(() => meter.InstallHesPublicKey(Point(_otherKey)));
        Assert.Throws<ArgumentException>(() => meter.InstallHesPublicKey(new byte[65]));
        Assert.Equal(Point(_hesKey), meter.Keys.HesPublicKey!.Value.ToArray());
    }

    [Fact]
    public async Task OpenCover_ErasesTheKeysButKeepsTheTrustedKey()
    {
        var meter = CreateTrusting(_hesKey);

        meter.OpenCover();

        Assert.False(meter.Keys.HasKeys);
        Assert.True(meter.SignaturesEnforced);
        meter.InstallKeys(_meters.EncryptionKey, _meters.AuthenticationKey, _meters.MasterKey);
        var (connection, _) = await MeterConnection.OpenAsync(meter, _meters, "utility");
        await using var _ = connection;
        Assert.Equal(ActionResult.ReadWriteDenied, (await connection.Client.ActionAsync(RemoteDisconnect, new CosemData.Integer(0)).WaitAsync(MeterConnection.Timeout)).Result);
    }

    private static byte[] Point(ECDsa key) => [0x04, .. EcdsaP256.ExportPublicKey(key)];

    private static byte[] Certificate(ECDsa key)
    {
        var request = new CertificateRequest("CN=" + MeterConnection.HeadEndTitle, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        using var certificate = request.CreateSelfSigned(TestMeters.Start.AddYears(-1), TestMeters.Start.AddYears(10));
        return certificate.RawData;
    }

    private static int SignatureEvents(SmartMeter meter) =>
        meter.EventCounts.GetValueOrDefault(SecurityEventCodes.SignatureMissing) + meter.EventCounts.GetValueOrDefault(SecurityEventCodes.SignatureInvalid)
        + meter.EventCounts.GetValueOrDefault(SecurityEventCodes.SignedRequestReplayed);

    /// <summary>The last event code of the transaction group (0.0.96.11.3.255).</summary>
    private static ushort LastTransactionEvent(SmartMeter meter) =>
        ((CosemData.LongUnsigned)meter.Objects[new ObisCode(0, 0, 96, 11, 3, 255)].Get(Cosem.Contexts.Utility, 2, null).Data!).Value;

    /// <summary>
    /// Sends <paramref name="apdu"/> byte for byte, waits (at most 5 s) for its unmatched answer, then for a read to be
    /// answered: the link is served in order, so the replay has been processed.
    /// </summary>
    private static async Task ReplayAsync(MeterConnection connection, byte[] apdu)
    {
        var answered = connection.Client.StaleResponses + connection.Client.RejectedApdus;
        await connection.Link.SendAsync(apdu);
        for (var waited = 0; connection.Client.StaleResponses + connection.Client.RejectedApdus == answered && waited < 5000; waited += 20)
        {
            await Task.Delay(20);
        }

        Assert.Equal(DataAccessResult.Success, (await connection.Client.GetAsync(ClockTime).WaitAsync(MeterConnection.Timeout)).Result);
    }

    private SmartMeter CreateTrusting(ECDsa key) =>
        _meters.Create(configure: o => o with { InitialKeys = o.InitialKeys with { HesPublicKey = Point(key) } });

    private async Task<(MeterConnection Connection, SigningLink Signing, Dlms.Associations.AssociationOutcome Outcome)> OpenSigningAsync(SmartMeter meter, ECDsa key, uint firstCounter = 1)
    {
        SigningLink? signing = null;
        var (connection, outcome) = await MeterConnection.OpenAsync(
            meter, _meters, "utility", new OutgoingInvocationCounter(firstCounter), inner => signing = new SigningLink(inner, key, MeterConnection.HeadEndTitle, MeterTitle));
        Assert.True(outcome.IsAssociated, outcome.Diagnostic.ToString());
        signing!.TransactionId = firstCounter == 1 ? null : NumberFrom(firstCounter);
        return (connection, signing, outcome);
    }

    private static Func<ulong> NumberFrom(uint first)
    {
        var next = (ulong)first;
        return () => next++;
    }
}
