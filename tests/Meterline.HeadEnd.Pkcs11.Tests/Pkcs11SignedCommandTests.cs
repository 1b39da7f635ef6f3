using System.Security.Cryptography;
using Meterline.HeadEnd.Dlms.Commands;
using Meterline.HeadEnd.Dlms.Tests.Commands;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Testing;
using Meterline.Meter.Control;
using Meterline.Meter.Security;

namespace Meterline.HeadEnd.Pkcs11.Tests;

/// <summary>The head-end's signing key in a PKCS#11 token (SoftHSM2) signs the commands a real meter accepts.</summary>
[Collection(SoftHsmCollection.Name)]
public sealed class Pkcs11SignedCommandTests(SoftHsmFixture hsm)
{
    [Fact]
    public async Task Disconnect_SignedInTheToken_MeterTrustingTheTokensKeyOpensTheRelay()
    {
        using var provider = Pkcs11KeyProvider.Open(hsm.Options("t" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))));
        await using var meter = new ServedMeter(provider.Signer.PublicKey);
        var connector = new DlmsMeterConnector(meter.Keyring, new InMemoryCounterStore(), new DlmsMeterConnectorOptions
        {
            SystemTitle = ServedMeter.HeadEndTitle,
            Profiles = new Dictionary<string, Meterline.Dlms.Profiles.MeterProfile> { [ServedMeter.Profile.Id] = ServedMeter.Profile },
            Signer = () => provider.Signer,
        });

        await using (var session = await connector.OpenAsync(meter.Entry(level: SecurityLevel.AuthenticatedEncryptedSigned)).WaitAsync(ServedMeter.Timeout))
        {
            await session.RemoteDisconnectAsync().WaitAsync(ServedMeter.Timeout);
            Assert.Equal(RelayState.Disconnected, await session.ReadRelayStateAsync().WaitAsync(ServedMeter.Timeout));
        }

        Assert.True(meter.SmartMeter.SignaturesEnforced);
        Assert.Equal(DisconnectControlState.Disconnected, meter.SmartMeter.Relay.ControlState);
        Assert.Equal(0, meter.SmartMeter.EventCounts.GetValueOrDefault(SecurityEventCodes.SignatureInvalid));
        Assert.Equal(0, meter.SmartMeter.EventCounts.GetValueOrDefault(SecurityEventCodes.SignatureMissing));
    }
}
