using Meterline.Dlms.Apdus;
using Meterline.Dlms.Security;
using Meterline.HeadEnd.Dlms.Ingest;
using Meterline.HeadEnd.Ingest;
using Meterline.Simulator.Attacks;
using Meterline.Simulator.Provisioning;

namespace Meterline.Ingress.Tests;

/// <summary>The flood's frames are real pushes of the provisioned meter: the head-end's inspector reads them, its keys verify them.</summary>
public sealed class AttackFramesTests
{
    private static readonly ProvisionedMeter Meter = FleetProvisioning.Create(new FleetLayout { Meters = 1, ProfileId = "is15959-single-phase", Port = 1 }).Meters[0];

    [Fact]
    public void Next_ThreeFrames_AuthenticatedEncryptedUnderTheMetersTitleWithRisingCountersAndTheirTagsVerify()
    {
        using var frames = new AttackFrames(Meter, 1_000);
        using var cipher = new AesGcmCipher(CipherKey.FromBytes(Meter.Keys.GlobalUnicastEncryptionKey.Span), CipherKey.FromBytes(Meter.Keys.AuthenticationKey.Span));
        var inspector = new DlmsSecuredApduInspector();

        for (uint i = 0; i < 3; i++)
        {
            var apdu = frames.Next();
            Assert.Equal(HeaderInspection.Read, inspector.Inspect(apdu, out var header));
            Assert.Equal(Meter.SystemTitle.Value, header.SystemTitle.Value);
            Assert.Equal(1_000 + i, header.InvocationCounter);
            Assert.True(header.IsAuthenticated && header.IsEncrypted);
            var glo = Assert.IsType<GeneralGloCiphering>(ApduCodec.Decode(apdu));
            var plain = new byte[glo.CipheredContent.Length];
            Assert.True(cipher.TryUnprotect(glo.CipheredContent.Span, Meter.SystemTitle, plain, out var written));
            Assert.IsType<DataNotification>(ApduCodec.Decode(plain.AsSpan(0, written)));
        }
    }

    [Fact]
    public void Anonymous_Twice_ReadableHeadersUnderDifferentUnregisteredTitles()
    {
        var inspector = new DlmsSecuredApduInspector();

        Assert.Equal(HeaderInspection.Read, inspector.Inspect(AttackFrames.Anonymous(), out var first));
        Assert.Equal(HeaderInspection.Read, inspector.Inspect(AttackFrames.Anonymous(), out var second));
        Assert.NotEqual(first.SystemTitle, second.SystemTitle);
    }

    [Fact]
    public void ParseAddresses_RangeAndList_EveryAddressInOrder()
    {
        Assert.Equal(199, AttackSockets.ParseAddresses("127.0.0.2-127.0.0.200").Count);
        Assert.Equal("127.0.1.0", AttackSockets.ParseAddresses("127.0.0.255-127.0.1.0")[1].ToString());
        Assert.Equal(["127.0.0.2", "::1"], AttackSockets.ParseAddresses("127.0.0.2, ::1").Select(a => a.ToString()));
        Assert.Throws<FormatException>(() => AttackSockets.ParseAddresses("127.0.0.0-127.1.0.1"));
    }

    [Fact]
    public void AttackRunner_TwoTransportsForOneScheme_Refused()
    {
        Assert.Throws<ArgumentException>(() => new AttackRunner([new TcpWrapperAttack(), new TcpWrapperAttack()]));
        Assert.Equal(["tcp", "udp"], new AttackRunner().Schemes.Where(s => s is "tcp" or "udp"));
    }
}
