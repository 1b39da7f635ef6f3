using Meterline.Dlms.Apdus;
using Meterline.Dlms.Security;
using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.Communication;
using Meterline.HeadEnd.Dlms.Commands;
using Meterline.HeadEnd.Keys;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Testing;
using Meterline.Meter.Control;
using Meterline.Meter.Security;

namespace Meterline.HeadEnd.Dlms.Tests.Commands;

/// <summary>
/// Commands signed with the head-end's key (a real file key provider) against a real meter that trusts that key, over
/// loopback TCP, through the DLMS connector and the command executor; and the attacks the meter must refuse.
/// </summary>
public sealed class SignedCommandTests : IDisposable
{
    private const byte GeneralSigningTag = 0xDF;
    private readonly HeadEndSigningKey _hes = new();
    private readonly HeadEndSigningKey _other = new();

    public void Dispose()
    {
        _hes.Dispose();
        _other.Dispose();
    }

    [Fact]
    public async Task Disconnect_SignedThroughConnectorAndExecutor_RelayOpensAndIsConfirmed()
    {
        await using var meter = new ServedMeter(_hes.PublicKey);
        var (executor, meters, entry) = await RegistryAsync(meter, SecurityLevel.AuthenticatedEncryptedSigned);

        var outcome = await executor.ExecuteAsync(Disconnect(entry.Id), entry, Connector(meter, _hes.Signer)).WaitAsync(ServedMeter.Timeout);

        Assert.Equal(CommandState.Confirmed, outcome.State);
        Assert.False(meter.SmartMeter.Relay.OutputState);
        Assert.Equal(DisconnectControlState.Disconnected, meter.SmartMeter.Relay.ControlState);
        Assert.Equal(RelayState.Disconnected, (await meters.GetAsync(entry.Id))!.RelayState);
        Assert.Equal(0, SignatureEvents(meter));
    }

    [Fact]
    public async Task Disconnect_Unsigned_MeterRefusesChangesNothingAndLogsIt()
    {
        await using var meter = new ServedMeter(_hes.PublicKey);
        var (executor, meters, entry) = await RegistryAsync(meter, SecurityLevel.AuthenticatedEncrypted);

        var outcome = await executor.ExecuteAsync(Disconnect(entry.Id), entry, Connector(meter, _hes.Signer)).WaitAsync(ServedMeter.Timeout);

        Assert.Equal(CommandState.Failed, outcome.State);
        Assert.Contains("refused by the meter", outcome.Result, StringComparison.Ordinal);
        Assert.Contains("ReadWriteDenied", outcome.Result, StringComparison.Ordinal);
        Assert.True(meter.SmartMeter.Relay.OutputState);
        Assert.Equal(RelayState.Connected, (await meters.GetAsync(entry.Id))!.RelayState);
        Assert.Equal(1, meter.SmartMeter.EventCounts.GetValueOrDefault(SecurityEventCodes.SignatureMissing));
    }

    [Fact]
    public async Task Disconnect_SignedByAnotherKey_MeterRefusesChangesNothingAndLogsIt()
    {
        await using var meter = new ServedMeter(_hes.PublicKey);
        var (executor, _, entry) = await RegistryAsync(meter, SecurityLevel.AuthenticatedEncryptedSigned);

        var failure = await Assert.ThrowsAsync<MeterCommunicationException>(
            () => executor.ExecuteAsync(Disconnect(entry.Id), entry, Connector(meter, _other.Signer)).WaitAsync(ServedMeter.Timeout));

        Assert.Contains("DecipheringError", failure.Message, StringComparison.Ordinal);
        Assert.False(failure.IsTransient);
        Assert.True(meter.SmartMeter.Relay.OutputState);
        Assert.Equal(1, meter.SmartMeter.EventCounts.GetValueOrDefault(SecurityEventCodes.SignatureInvalid));
    }

    [Fact]
    public async Task Disconnect_SignatureTamperedOnTheWire_MeterRefusesChangesNothingAndLogsIt()
    {
        await using var meter = new ServedMeter(_hes.PublicKey);
        await using var proxy = new WrapperProxy(meter.Port)
        {
            Transform = frame =>
            {
                if (WrapperProxy.Apdu(frame)[0] == GeneralSigningTag)
                {
                    frame = (byte[])frame.Clone();
                    frame[^1] ^= 0x01;
                }

                return frame;
            },
        };
        var (executor, _, entry) = await RegistryAsync(meter, SecurityLevel.AuthenticatedEncryptedSigned, proxy.Port);

        await Assert.ThrowsAsync<MeterCommunicationException>(
            () => executor.ExecuteAsync(Disconnect(entry.Id), entry, Connector(meter, _hes.Signer)).WaitAsync(ServedMeter.Timeout));

        Assert.True(meter.SmartMeter.Relay.OutputState);
        Assert.Equal(1, meter.SmartMeter.EventCounts.GetValueOrDefault(SecurityEventCodes.SignatureInvalid));
        Assert.Contains(proxy.Frames, f => WrapperProxy.Apdu(f)[0] == GeneralSigningTag);
    }

    [Fact]
    public async Task Disconnect_SignedRequestReplayedByAManInTheMiddle_MeterRefusesChangesNothingAndLogsIt()
    {
        await using var meter = new ServedMeter(_hes.PublicKey);
        await using var proxy = new WrapperProxy(meter.Port);
        var (executor, _, entry) = await RegistryAsync(meter, SecurityLevel.AuthenticatedEncryptedSigned, proxy.Port);
        var connector = Connector(meter, _hes.Signer);
        Assert.Equal(CommandState.Confirmed, (await executor.ExecuteAsync(Disconnect(entry.Id), entry, connector).WaitAsync(ServedMeter.Timeout)).State);
        // The disconnect's only signed request is its remote_disconnect (the HLS reply and the GET go unsigned).
        var captured = proxy.Frames.Last(f => WrapperProxy.Apdu(f)[0] == GeneralSigningTag);
        Assert.Equal(CommandState.Confirmed, (await executor.ExecuteAsync(Connect(entry.Id), entry, connector).WaitAsync(ServedMeter.Timeout)).State);
        Assert.True(meter.SmartMeter.Relay.ManualReconnect());

        // The next signed ACTION the head-end sends is swapped for the disconnect captured earlier: a valid signature
        // by the head-end, under the meter's current keys, addressed to this meter — and stale.
        var swapped = 0;
        proxy.Transform = frame =>
        {
            if (WrapperProxy.Apdu(frame)[0] == GeneralSigningTag && Interlocked.CompareExchange(ref swapped, 1, 0) == 0)
            {
                return captured;
            }

            return frame;
        };
        await Assert.ThrowsAsync<MeterCommunicationException>(
            () => executor.ExecuteAsync(Disconnect(entry.Id), entry, connector).WaitAsync(ServedMeter.Timeout));

        Assert.Equal(1, swapped);
        Assert.True(meter.SmartMeter.Relay.OutputState);
        Assert.Equal(DisconnectControlState.Connected, meter.SmartMeter.Relay.ControlState);
        Assert.Equal(1, meter.SmartMeter.EventCounts.GetValueOrDefault(SecurityEventCodes.SignedRequestReplayed));
        Assert.Equal(1, meter.SmartMeter.EventCounts.GetValueOrDefault((ushort)301));
    }

    [Fact]
    public async Task SignedRequests_OnTheWire_CarryTheHeadEndsSignatureOverGeneralGloCipheringWithGenerationAndCounterAsTransactionId()
    {
        await using var meter = new ServedMeter(_hes.PublicKey);
        await using var proxy = new WrapperProxy(meter.Port);
        var connector = Connector(meter, _hes.Signer);
        await using (var session = await connector.OpenAsync(meter.Entry(proxy.Port, level: SecurityLevel.AuthenticatedEncryptedSigned)).WaitAsync(ServedMeter.Timeout))
        {
            await session.RemoteDisconnectAsync().WaitAsync(ServedMeter.Timeout);
            await session.SetClockAsync(ServedMeter.Start.AddMinutes(3)).WaitAsync(ServedMeter.Timeout);
            Assert.Equal(RelayState.Disconnected, await session.ReadRelayStateAsync().WaitAsync(ServedMeter.Timeout));
        }

        var apdus = proxy.Frames.Select(WrapperProxy.Apdu).ToList();
        var signed = apdus.Where(a => a[0] == GeneralSigningTag).Select(a => Assert.IsType<GeneralSigning>(ApduCodec.Decode(a))).ToList();
        Assert.Equal(2, signed.Count);
        using var publicKey = EcdsaP256.ImportPublicKey(_hes.PublicKey.Span[1..]);
        foreach (var signing in signed)
        {
            Assert.True(signing.VerifySignature(publicKey));
            Assert.Equal(ServedMeter.HeadEndTitle, signing.OriginatorSystemTitle);
            Assert.Equal(meter.SmartMeter.SystemTitle, signing.RecipientSystemTitle);
            var content = Assert.IsType<GeneralGloCiphering>(ApduCodec.Decode(signing.Content.Span));
            Assert.True(SecurityHeader.TryDecode(content.CipheredContent.Span, out var header, out _));
            Assert.Equal(GeneralSigningLink.TransactionId(1, header.InvocationCounter), signing.TransactionId.ToArray());
        }

        // The AARQ, the HLS reply (the first ACTION) and the GETs went unsigned.
        Assert.Equal(0x60, apdus[0][0]);
        Assert.Equal(0xDB, apdus[1][0]);
        Assert.True(apdus.Count(a => a[0] == 0xDB) >= 2);
        Assert.Equal(0, SignatureEvents(meter));
    }

    [Fact]
    public async Task Disconnect_SignedWithServiceSpecificCiphering_MeterAcceptsIt()
    {
        await using var meter = new ServedMeter(_hes.PublicKey);
        var connector = new DlmsMeterConnector(meter.Keyring, new InMemoryCounterStore(), Options(_hes.Signer) with { UseGeneralGloCiphering = false });

        await using (var session = await connector.OpenAsync(meter.Entry(level: SecurityLevel.AuthenticatedEncryptedSigned)).WaitAsync(ServedMeter.Timeout))
        {
            await session.RemoteDisconnectAsync().WaitAsync(ServedMeter.Timeout);
        }

        Assert.False(meter.SmartMeter.Relay.OutputState);
        Assert.Equal(0, SignatureEvents(meter));
    }

    [Fact]
    public async Task TransferKeys_SignedMeter_NewKeysWorkAndLaterGenerationsStaySigned()
    {
        await using var meter = new ServedMeter(_hes.PublicKey);
        var connector = Connector(meter, _hes.Signer);
        var encryption = System.Security.Cryptography.RandomNumberGenerator.GetBytes(16);
        var authentication = System.Security.Cryptography.RandomNumberGenerator.GetBytes(16);
        await using (var session = await connector.OpenAsync(meter.Entry(level: SecurityLevel.AuthenticatedEncryptedSigned)).WaitAsync(ServedMeter.Timeout))
        {
            await session.TransferKeysAsync(encryption, authentication).WaitAsync(ServedMeter.Timeout);
        }

        meter.Keyring.Add(new MeterId(1), 2, encryption, authentication, meter.Master);
        await using (var session = await connector.OpenAsync(meter.Entry(generation: 2, level: SecurityLevel.AuthenticatedEncryptedSigned)).WaitAsync(ServedMeter.Timeout))
        {
            await session.RemoteDisconnectAsync().WaitAsync(ServedMeter.Timeout);
        }

        Assert.False(meter.SmartMeter.Relay.OutputState);
        Assert.Equal(0, SignatureEvents(meter));
    }

    [Fact]
    public async Task Disconnect_SignedToAMeterThatTrustsNoKey_RefusedAndNothingChanges()
    {
        await using var meter = new ServedMeter();
        var (executor, _, entry) = await RegistryAsync(meter, SecurityLevel.AuthenticatedEncryptedSigned);

        var failure = await Assert.ThrowsAsync<MeterCommunicationException>(
            () => executor.ExecuteAsync(Disconnect(entry.Id), entry, Connector(meter, _hes.Signer)).WaitAsync(ServedMeter.Timeout));

        Assert.Contains("ServiceNotSupported", failure.Message, StringComparison.Ordinal);
        Assert.True(meter.SmartMeter.Relay.OutputState);
    }

    [Fact]
    public async Task Open_SignedMeterWithoutASigner_FailsBeforeReservingCounters()
    {
        await using var meter = new ServedMeter(_hes.PublicKey);
        var counters = new InMemoryCounterStore();
        var connector = new DlmsMeterConnector(meter.Keyring, counters, Options(signer: null));

        var failure = await Assert.ThrowsAsync<MeterCommunicationException>(
            () => connector.OpenAsync(meter.Entry(level: SecurityLevel.AuthenticatedEncryptedSigned)).WaitAsync(ServedMeter.Timeout));

        Assert.Contains("signed commands", failure.Message, StringComparison.Ordinal);
        Assert.False(failure.IsTransient);
        Assert.Equal(0, counters.Reservations);
    }

    [Fact]
    public async Task Send_SignerFails_RequestFailsAndNothingReachesTheMeter()
    {
        await using var meter = new ServedMeter(_hes.PublicKey);
        var connector = Connector(meter, _hes.Signer);
        await using var session = await connector.OpenAsync(meter.Entry(level: SecurityLevel.AuthenticatedEncryptedSigned)).WaitAsync(ServedMeter.Timeout);
        _hes.Provider.Dispose();

        var failure = await Assert.ThrowsAsync<MeterCommunicationException>(() => session.RemoteDisconnectAsync().WaitAsync(ServedMeter.Timeout));

        Assert.Contains("could not sign", failure.Message, StringComparison.Ordinal);
        Assert.True(meter.SmartMeter.Relay.OutputState);
        Assert.Equal(0, SignatureEvents(meter));
    }

    private static int SignatureEvents(ServedMeter meter) =>
        meter.SmartMeter.EventCounts.GetValueOrDefault(SecurityEventCodes.SignatureMissing)
        + meter.SmartMeter.EventCounts.GetValueOrDefault(SecurityEventCodes.SignatureInvalid)
        + meter.SmartMeter.EventCounts.GetValueOrDefault(SecurityEventCodes.SignedRequestReplayed);

    private static CommandRecord Disconnect(MeterId meter) => Command(meter, new DisconnectParameters());

    private static CommandRecord Connect(MeterId meter) => Command(meter, new ConnectParameters());

    private static CommandRecord Command(MeterId meter, CommandParameters parameters) => new(
        new CommandId(1), meter, parameters.Kind, CommandParametersJson.Encode(parameters), CommandState.Sent, "operator-1",
        ServedMeter.Start, null, ServedMeter.Start.AddMinutes(5), ServedMeter.Start, null, null, null);

    private static DlmsMeterConnectorOptions Options(IHesSigner? signer) => new()
    {
        SystemTitle = ServedMeter.HeadEndTitle,
        Profiles = new Dictionary<string, Meterline.Dlms.Profiles.MeterProfile> { [ServedMeter.Profile.Id] = ServedMeter.Profile },
        Signer = signer is null ? null : () => signer,
    };

    private static DlmsMeterConnector Connector(ServedMeter meter, IHesSigner signer) =>
        new(meter.Keyring, new InMemoryCounterStore(), Options(signer));

    /// <summary>The meter registered (as meter 1) at <paramref name="level"/>, and an executor over that registry.</summary>
    private async Task<(CommandExecutor Executor, InMemoryMeterRepository Meters, Meterline.HeadEnd.Meters.Meter Entry)> RegistryAsync(ServedMeter meter, SecurityLevel level, int? port = null)
    {
        var meters = new InMemoryMeterRepository();
        var entry = await meters.AddAsync(new MeterRegistration(
            "MTL0001", MeterSystemTitle.Parse("4D544C0000000001"), ServedMeter.Profile.Id,
            Endpoint: new MeterEndpoint($"dlms+tcp://127.0.0.1:{port ?? meter.Port}?wport=1"), SecurityLevel: level));
        Assert.Equal(new MeterId(1), entry.Id);
        var rotation = new KeyRotation(meter.Keyring, new InMemoryMeterKeyStore(), new KeyProviderMeterKeyWrapper(_hes.Provider), meters);
        return (new CommandExecutor(meters, new InMemoryReadingStore(), rotation, meter.Time), meters, entry);
    }
}
