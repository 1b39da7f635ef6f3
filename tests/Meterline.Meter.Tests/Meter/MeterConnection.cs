using Meterline.Dlms.Acse;
using Meterline.Dlms.Associations;
using Meterline.Dlms.Links;
using Meterline.Dlms.Security;

namespace Meterline.Meter.Tests.Meter;

/// <summary>
/// A DLMS client connected to a <see cref="SmartMeter"/> through the real server (DlmsServer, wrapper framing) over
/// an in-memory pipe. The client's link records every APDU it sends, so a test can replay one.
/// </summary>
internal sealed class MeterConnection : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    public static readonly SystemTitle HeadEndTitle = SystemTitle.Parse("4845530000000001");
    private readonly CancellationTokenSource _stop = new();
    private readonly WrapperLink _serverLink;
    private readonly Task _serving;

    private MeterConnection(SmartMeter meter, int clientSap, ClientAssociation association, Func<IApduLink, IApduLink>? decorate)
    {
        var (clientPipe, serverPipe) = InMemoryDuplexPipe.CreatePair();
        _serverLink = WrapperLink.Start(serverPipe, 1, null);
        var server = new DlmsServer(meter.CreateAssociation);
        _serving = server.ServeAsync(_serverLink, () => _serverLink.RemoteWPort, _stop.Token);
        Link = new RecordingLink(WrapperLink.Start(clientPipe, (ushort)clientSap, 1));
        Client = DlmsClient.Create(decorate?.Invoke(Link) ?? Link, association, new DlmsClientOptions { RequestTimeout = TimeSpan.FromSeconds(10) });
    }

    public DlmsClient Client { get; }

    public RecordingLink Link { get; }

    /// <summary>
    /// Connects to one of the profile's associations with the test meter's keys and associates. <paramref name="decorate"/>
    /// wraps the client's link (outside the recording link, so <see cref="Link"/> records what goes on the wire), and
    /// general protection is then proposed too, for the general-signing a decorator may add.
    /// </summary>
    public static async Task<(MeterConnection Connection, AssociationOutcome Outcome)> OpenAsync(
        SmartMeter meter, TestMeters meters, string association, OutgoingInvocationCounter? counter = null, Func<IApduLink, IApduLink>? decorate = null)
    {
        var conformance = ClientAssociationSettings.DefaultConformance | (decorate is null ? Conformance.None : Conformance.GeneralProtection);
        var (sap, client) = association switch
        {
            "public" => (16, new ClientAssociation(new ClientAssociationSettings())),
            "reader" => (32, new ClientAssociation(new ClientAssociationSettings { Mechanism = AuthenticationMechanism.Low, Password = LlsPassword.FromBytes("reader-secret"u8) })),
            "utility" or "push" => (association == "utility" ? 48 : 64, new ClientAssociation(
                new ClientAssociationSettings { ApplicationContext = ApplicationContextName.LogicalNameReferencingWithCiphering, Mechanism = AuthenticationMechanism.HighGmac, ProposedConformance = conformance },
                new AssociationKeys(HeadEndTitle, meters.EncryptionKey, meters.AuthenticationKey),
                counter ?? new OutgoingInvocationCounter(1))),
            _ => throw new ArgumentException(association, nameof(association)),
        };
        var connection = new MeterConnection(meter, sap, client, decorate);
        var outcome = await connection.Client.AssociateAsync().WaitAsync(Timeout);
        return (connection, outcome);
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await _stop.CancelAsync();
        await _serverLink.DisposeAsync();
        await _serving.WaitAsync(Timeout);
        _stop.Dispose();
    }

    /// <summary>A client link that keeps a copy of every APDU sent and can send raw bytes.</summary>
    internal sealed class RecordingLink(IApduLink inner) : IApduLink
    {
        public List<byte[]> Sent { get; } = [];

        public Task Completion => inner.Completion;

        public ValueTask SendAsync(ReadOnlyMemory<byte> apdu, CancellationToken cancellationToken = default)
        {
            lock (Sent)
            {
                Sent.Add(apdu.ToArray());
            }

            return inner.SendAsync(apdu, cancellationToken);
        }

        public ValueTask<ReadOnlyMemory<byte>> ReceiveAsync(CancellationToken cancellationToken = default) => inner.ReceiveAsync(cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
