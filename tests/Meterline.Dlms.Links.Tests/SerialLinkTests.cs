using Meterline.Dlms.Associations;
using Meterline.Dlms.Cosem;
using Meterline.Dlms.Hdlc;
using Meterline.Dlms.Security;

namespace Meterline.Dlms.Links.Tests;

/// <summary>The client over System.IO.Ports on a real pseudo-terminal, against a server on the other end of the wire.</summary>
public class SerialLinkTests
{
    [Fact]
    public async Task DlmsClient_OverSerialHdlc_AssociatesAndReadsAProfileInBlocks()
    {
        using var terminal = PseudoTerminal.Open();
        await using var meterPipe = new StreamDuplexPipe(terminal.Master);
        var meterLink = HdlcServerApduLink.Start(meterPipe, HdlcAddress.Server(1, 17));
        var server = new DlmsServer(sap => sap == 32
            ? new ServerAssociation(ServerAssociationDefinition.MeterReader(LlsPassword.FromBytes("12345678"u8)), null, new LoopbackCosemServer(), new InvocationCounterGuard(), new OutgoingInvocationCounter(1))
            : null);
        using var stop = new CancellationTokenSource();
        var serving = server.ServeAsync(meterLink, () => meterLink.Client?.Upper, stop.Token);

        await using var serial = SerialTransport.Open(terminal.SlavePath, baudRate: 9600);
        var link = await HdlcLink.ConnectAsync(serial, HdlcAddress.Client(32), HdlcAddress.Server(1, 17)).WaitAsync(TimeSpan.FromSeconds(20));
        await using (var client = DlmsClient.Create(link, new ClientAssociation(new ClientAssociationSettings
        {
            Mechanism = Meterline.Dlms.Acse.AuthenticationMechanism.Low,
            Password = LlsPassword.FromBytes("12345678"u8),
        })))
        {
            Assert.True((await client.AssociateAsync().WaitAsync(TimeSpan.FromSeconds(20))).IsAssociated);
            var profile = await client.GetAsync(LoopbackCosemServer.LoadProfile).WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(LoopbackCosemServer.LoadProfileValue, profile.Data);
            await client.ReleaseAsync().WaitAsync(TimeSpan.FromSeconds(20));
            Assert.Equal(0, link.Statistics.ChecksumErrors);
        }

        await stop.CancelAsync();
        // Closing the transport first ends the read blocked on the terminal at once.
        await meterPipe.DisposeAsync();
        await meterLink.DisposeAsync();
        await serving.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Open_MissingDevice_ThrowsLinkException()
    {
        var e = Assert.Throws<DlmsLinkException>(() => SerialTransport.Open("/dev/does-not-exist-meterline"));
        Assert.Contains("/dev/does-not-exist-meterline", e.Message, StringComparison.Ordinal);
    }
}
