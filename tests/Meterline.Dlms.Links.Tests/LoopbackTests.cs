using System.Net;
using System.Security.Cryptography;
using Meterline.Dlms.Acse;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Associations;
using Meterline.Dlms.Cosem;
using Meterline.Dlms.Hdlc;
using Meterline.Dlms.Security;

namespace Meterline.Dlms.Links.Tests;

/// <summary>
/// The client against the in-process server: every security level, over HDLC and the wrapper, over in-memory pipes
/// and loopback TCP — association, GET, GET of a large profile in datablocks, SET in datablocks, ACTION, release.
/// </summary>
public sealed class LoopbackTests : IDisposable
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(20);
    private static readonly SystemTitle ServerTitle = SystemTitle.Parse("4D4D4D0000BC614E");
    private static readonly SystemTitle ClientTitle = SystemTitle.Parse("4D4D4D0000000001");
    private readonly CipherKey _ek = CipherKey.Generate();
    private readonly CipherKey _ak = CipherKey.Generate();
    private readonly ECDsa _serverKey = EcdsaP256.GenerateKeyPair();
    private readonly ECDsa _clientKey = EcdsaP256.GenerateKeyPair();

    public static TheoryData<string, string, string> Matrix()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var security in new[] { "none", "low", "hls-gmac", "hls-gmac-dedicated", "hls-ecdsa" })
        {
            foreach (var framing in new[] { "hdlc", "wrapper" })
            {
                foreach (var transport in new[] { "memory", "tcp" })
                {
                    data.Add(security, framing, transport);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task ClientAgainstServer_EverySecurityFramingAndTransport_Works(string security, string framing, string transport)
    {
        var cosem = new LoopbackCosemServer();
        var (definition, clientSettings, suite) = Setup(security);
        var serverKeys = new AssociationKeys(ServerTitle, _ek, _ak, suite) { SigningKey = _serverKey, PeerPublicKey = PublicOf(_clientKey) };
        var clientKeys = new AssociationKeys(ClientTitle, _ek, _ak, suite) { SigningKey = _clientKey, PeerPublicKey = PublicOf(_serverKey) };
        var server = new DlmsServer(sap => sap == definition.ClientSap
            ? new ServerAssociation(definition, security is "none" or "low" ? null : serverKeys, cosem, new InvocationCounterGuard(), new OutgoingInvocationCounter(1))
            : null);
        var ciphered = clientSettings.IsCiphered || clientSettings.Mechanism is AuthenticationMechanism.HighGmac or AuthenticationMechanism.HighEcdsa;
        var association = new ClientAssociation(clientSettings, ciphered ? clientKeys : null, ciphered ? new OutgoingInvocationCounter(1) : null);

        await using var connection = await Connection.OpenAsync(framing, transport, definition.ClientSap, server);
        await using var client = DlmsClient.Create(connection.ClientLink, association);

        var outcome = await client.AssociateAsync().WaitAsync(TestTimeout);
        Assert.True(outcome.IsAssociated, $"association refused: {outcome.Diagnostic}");
        Assert.Equal(AssociationState.Associated, client.Association.State);

        var clock = await client.GetAsync(LoopbackCosemServer.Clock).WaitAsync(TestTimeout);
        Assert.IsType<CosemData.OctetString>(clock.Data);

        if (definition.ClientSap >= 32)
        {
            var profile = await client.GetAsync(LoopbackCosemServer.LoadProfile).WaitAsync(TestTimeout);
            Assert.Equal(LoopbackCosemServer.LoadProfileValue, profile.Data);
        }
        else
        {
            // The public client may not read the profile: a refusal is a value.
            var refused = await client.GetAsync(LoopbackCosemServer.LoadProfile).WaitAsync(TestTimeout);
            Assert.Null(refused.Data);
            Assert.NotEqual(DataAccessResult.Success, refused.Result);
        }

        if (definition.ClientSap == 48)
        {
            var tariff = new CosemData.OctetString(RandomNumberGenerator.GetBytes(3000));
            Assert.Equal(DataAccessResult.Success, await client.SetAsync(LoopbackCosemServer.Tariff, tariff).WaitAsync(TestTimeout));
            Assert.Equal(tariff, (await client.GetAsync(LoopbackCosemServer.Tariff).WaitAsync(TestTimeout)).Data);
            var (result, _) = await client.ActionAsync(LoopbackCosemServer.RemoteDisconnect, new CosemData.Integer(0)).WaitAsync(TestTimeout);
            Assert.Equal(ActionResult.Success, result);
            Assert.Equal(1, cosem.Disconnects);
            Assert.Equal(new CosemData.Boolean(false), (await client.GetAsync(LoopbackCosemServer.RelayState).WaitAsync(TestTimeout)).Data);
        }
        else
        {
            // These associations do not negotiate ACTION, so the server refuses the service itself.
            Assert.False(client.Association.NegotiatedConformance.HasFlag(Conformance.Action));
            var e = await Assert.ThrowsAsync<DlmsProtocolException>(() => client.ActionAsync(LoopbackCosemServer.RemoteDisconnect, new CosemData.Integer(0)).WaitAsync(TestTimeout));
            Assert.Contains("ExceptionResponse", e.Message, StringComparison.Ordinal);
            Assert.Equal(0, cosem.Disconnects);
        }

        await client.ReleaseAsync().WaitAsync(TestTimeout);
        Assert.Equal(AssociationState.Released, client.Association.State);
    }

    [Fact]
    public async Task WrongPassword_IsRefusedAsAValue()
    {
        var server = new DlmsServer(sap => new ServerAssociation(ServerAssociationDefinition.MeterReader(LlsPassword.FromBytes("12345678"u8)), null, new LoopbackCosemServer(), new InvocationCounterGuard(), new OutgoingInvocationCounter(1)));
        await using var connection = await Connection.OpenAsync("wrapper", "memory", 32, server);
        await using var client = DlmsClient.Create(connection.ClientLink, new ClientAssociation(new ClientAssociationSettings { Mechanism = AuthenticationMechanism.Low, Password = LlsPassword.FromBytes("wrong"u8) }));
        var outcome = await client.AssociateAsync().WaitAsync(TestTimeout);
        Assert.False(outcome.IsAssociated);
        Assert.Equal(AcseServiceUserDiagnostic.AuthenticationFailure, outcome.Diagnostic.ServiceUser);
    }

    [Fact]
    public async Task HlsGmac_ClientWithWrongKey_NeverAssociates()
    {
        var (definition, settings, suite) = Setup("hls-gmac");
        var server = new DlmsServer(_ => new ServerAssociation(definition, new AssociationKeys(ServerTitle, _ek, _ak, suite), new LoopbackCosemServer(), new InvocationCounterGuard(), new OutgoingInvocationCounter(1)));
        await using var connection = await Connection.OpenAsync("wrapper", "memory", 48, server);
        var wrongKeys = new AssociationKeys(ClientTitle, _ek, CipherKey.Generate(), suite);
        await using var client = DlmsClient.Create(connection.ClientLink, new ClientAssociation(settings, wrongKeys, new OutgoingInvocationCounter(1)), new DlmsClientOptions { RequestTimeout = TimeSpan.FromSeconds(5) });
        // The server cannot decipher the InitiateRequest and refuses the association.
        var outcome = await client.AssociateAsync().WaitAsync(TestTimeout);
        Assert.False(outcome.IsAssociated);
        Assert.NotEqual(AssociationState.Associated, client.Association.State);
        Assert.Throws<InvalidOperationException>(() => client.Association.ProtectRequest(new GetRequestNormal(new InvokeIdAndPriority(1, true, true), LoopbackCosemServer.Clock)));
    }

    public void Dispose()
    {
        _serverKey.Dispose();
        _clientKey.Dispose();
    }

    private static (ServerAssociationDefinition Definition, ClientAssociationSettings Client, SecuritySuite Suite) Setup(string security) => security switch
    {
        "none" => (ServerAssociationDefinition.PublicClient(), new ClientAssociationSettings(), SecuritySuite.AesGcm128),
        "low" => (ServerAssociationDefinition.MeterReader(LlsPassword.FromBytes("12345678"u8)),
            new ClientAssociationSettings { Mechanism = AuthenticationMechanism.Low, Password = LlsPassword.FromBytes("12345678"u8) }, SecuritySuite.AesGcm128),
        "hls-gmac" => (ServerAssociationDefinition.UtilitySettings(),
            new ClientAssociationSettings { ApplicationContext = ApplicationContextName.LogicalNameReferencingWithCiphering, Mechanism = AuthenticationMechanism.HighGmac }, SecuritySuite.AesGcm128),
        "hls-gmac-dedicated" => (ServerAssociationDefinition.UtilitySettings(),
            new ClientAssociationSettings { ApplicationContext = ApplicationContextName.LogicalNameReferencingWithCiphering, Mechanism = AuthenticationMechanism.HighGmac, UseDedicatedKey = true }, SecuritySuite.AesGcm128),
        "hls-ecdsa" => (ServerAssociationDefinition.UtilitySettings(AuthenticationMechanism.HighEcdsa),
            new ClientAssociationSettings { ApplicationContext = ApplicationContextName.LogicalNameReferencingWithCiphering, Mechanism = AuthenticationMechanism.HighEcdsa }, SecuritySuite.EcdhEcdsaAesGcm128Sha256),
        _ => throw new ArgumentOutOfRangeException(nameof(security)),
    };

    private static ECDsa PublicOf(ECDsa key) => EcdsaP256.ImportPublicKey(EcdsaP256.ExportPublicKey(key));

    /// <summary>A client link connected to a running server, over the chosen framing and transport.</summary>
    private sealed class Connection : IAsyncDisposable
    {
        private readonly List<IAsyncDisposable> _owned = [];
        private readonly CancellationTokenSource _stop = new();
        private Task _serving = Task.CompletedTask;

        public IApduLink ClientLink { get; private set; } = null!;

        public static async Task<Connection> OpenAsync(string framing, string transport, int clientSap, DlmsServer server)
        {
            var connection = new Connection();
            System.IO.Pipelines.IDuplexPipe clientPipe;
            System.IO.Pipelines.IDuplexPipe serverPipe;
            if (transport == "memory")
            {
                (clientPipe, serverPipe) = InMemoryDuplexPipe.CreatePair();
            }
            else
            {
                using var listener = TcpTransport.Listen(new IPEndPoint(IPAddress.Loopback, 0));
                var accept = listener.AcceptSocketAsync();
                var tcpClient = await TcpTransport.ConnectAsync("127.0.0.1", ((IPEndPoint)listener.LocalEndpoint).Port, TimeSpan.FromSeconds(5));
                var tcpServer = TcpTransport.FromAccepted(await accept.WaitAsync(TestTimeout));
                connection._owned.Add(tcpServer);
                connection._owned.Add(tcpClient);
                (clientPipe, serverPipe) = (tcpClient, tcpServer);
            }

            if (framing == "wrapper")
            {
                var serverLink = WrapperLink.Start(serverPipe, 1, null);
                connection._owned.Insert(0, serverLink);
                connection._serving = server.ServeAsync(serverLink, () => serverLink.RemoteWPort, connection._stop.Token);
                connection.ClientLink = WrapperLink.Start(clientPipe, (ushort)clientSap, 1);
            }
            else
            {
                var serverAddress = HdlcAddress.Server(1, 17);
                var serverLink = HdlcServerApduLink.Start(serverPipe, serverAddress, new HdlcParameters(256, 256, 1, 1));
                connection._owned.Insert(0, serverLink);
                connection._serving = server.ServeAsync(serverLink, () => serverLink.Client?.Upper, connection._stop.Token);
                connection.ClientLink = await HdlcLink.ConnectAsync(clientPipe, HdlcAddress.Client(clientSap), serverAddress, new HdlcLinkOptions { Proposal = new HdlcParameters(256, 256, 1, 1) });
            }

            return connection;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            foreach (var owned in _owned)
            {
                await owned.DisposeAsync();
            }

            await _serving.WaitAsync(TestTimeout);
            _stop.Dispose();
        }
    }
}
