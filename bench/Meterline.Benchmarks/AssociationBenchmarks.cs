using System.Net;
using BenchmarkDotNet.Attributes;
using Meterline.Dlms.Acse;
using Meterline.Dlms.Associations;
using Meterline.Dlms.Hdlc;
using Meterline.Dlms.Links;
using Meterline.Dlms.Security;

namespace Meterline.Benchmarks;

/// <summary>
/// Issue 3 benchmarks, client and server in one process: HLS-GMAC associations (AARQ/AARE, passes 3 and 4,
/// RLRQ/RLRE: three round trips) on one loopback TCP wrapper link, and ciphered GET round trips on one link over
/// loopback TCP (wrapper) and over HDLC on an in-memory pipe.
/// </summary>
[MemoryDiagnoser]
public class AssociationBenchmarks
{
    private readonly CipherKey _ek = CipherKey.Generate();
    private readonly CipherKey _ak = CipherKey.Generate();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<IAsyncDisposable> _owned = [];
    private DlmsClient _associating = null!;
    private DlmsClient _tcpClient = null!;
    private DlmsClient _hdlcClient = null!;

    // One client system title, so one counter across its links and associations (the server guards it per title).
    private readonly OutgoingInvocationCounter _clientCounter = new(1);

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var serverTitle = SystemTitle.Parse("4D4D4D0000BC614E");

        // Like a meter, the server keeps one counter of its own and one guard of client counters across associations.
        var serverCounter = new OutgoingInvocationCounter(1);
        var clientCounters = new InvocationCounterGuard();
        var server = new DlmsServer(_ => new ServerAssociation(
            ServerAssociationDefinition.UtilitySettings(),
            new AssociationKeys(serverTitle, _ek, _ak),
            new BenchCosemServer(),
            clientCounters,
            serverCounter));
        var listener = TcpTransport.Listen(new IPEndPoint(IPAddress.Loopback, 0));
        _ = server.ServeTcpAsync(listener, 1, 16, _stop.Token);
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        _associating = DlmsClient.Create(await TcpWrapperLinkAsync(port), NewAssociation());
        _tcpClient = DlmsClient.Create(await TcpWrapperLinkAsync(port), NewAssociation());
        await _tcpClient.AssociateAsync();

        var (clientPipe, serverPipe) = InMemoryDuplexPipe.CreatePair();
        var serverLink = HdlcServerApduLink.Start(serverPipe, HdlcAddress.Server(1, 17), new HdlcParameters(512, 512, 1, 1));
        _owned.Add(serverLink);
        _ = server.ServeAsync(serverLink, () => serverLink.Client?.Upper, _stop.Token);
        var hdlc = await HdlcLink.ConnectAsync(clientPipe, HdlcAddress.Client(48), HdlcAddress.Server(1, 17), new HdlcLinkOptions { Proposal = new HdlcParameters(512, 512, 1, 1) });
        _hdlcClient = DlmsClient.Create(hdlc, NewAssociation());
        await _hdlcClient.AssociateAsync();
    }

    [Benchmark(Description = "HLS-GMAC associate + release, TCP wrapper")]
    public async Task AssociateAndRelease()
    {
        var outcome = await _associating.AssociateAsync();
        if (!outcome.IsAssociated)
        {
            throw new InvalidOperationException("refused");
        }

        await _associating.ReleaseAsync();
    }

    [Benchmark(Description = "ciphered GET round trip, TCP wrapper")]
    public Task<Meterline.Dlms.Apdus.GetDataResult> GetOverTcp() => _tcpClient.GetAsync(BenchCosemServer.Clock);

    [Benchmark(Description = "ciphered GET round trip, HDLC in memory")]
    public Task<Meterline.Dlms.Apdus.GetDataResult> GetOverHdlc() => _hdlcClient.GetAsync(BenchCosemServer.Clock);

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _stop.CancelAsync();
        await _associating.DisposeAsync();
        await _tcpClient.DisposeAsync();
        await _hdlcClient.DisposeAsync();
        foreach (var owned in _owned)
        {
            await owned.DisposeAsync();
        }
    }

    private ClientAssociation NewAssociation() => new(
        new ClientAssociationSettings { ApplicationContext = ApplicationContextName.LogicalNameReferencingWithCiphering, Mechanism = AuthenticationMechanism.HighGmac },
        new AssociationKeys(SystemTitle.Parse("4D4D4D0000000001"), _ek, _ak),
        _clientCounter);

    private async Task<IApduLink> TcpWrapperLinkAsync(int port)
    {
        var pipe = await TcpTransport.ConnectAsync("127.0.0.1", port, TimeSpan.FromSeconds(5));
        _owned.Add(pipe);
        return WrapperLink.Start(pipe, 48, 1);
    }
}
