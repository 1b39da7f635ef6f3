using System.Collections.Immutable;
using Meterline.Dlms.Acse;
using Meterline.Dlms.Associations;
using Meterline.Dlms.Cosem;
using Meterline.Dlms.Security;

namespace Meterline.Dlms.Tests.Associations.Server;

public class ServerAssociationDefinitionTests
{
    [Fact]
    public void Factories_Is15959Associations_HaveTheProfilesNamesSapsAndSecurity()
    {
        var publicClient = ServerAssociationDefinition.PublicClient();
        var reader = ServerAssociationDefinition.MeterReader(LlsPassword.FromBytes("12345678"u8));
        var utility = ServerAssociationDefinition.UtilitySettings(AuthenticationMechanism.HighEcdsa);
        var push = ServerAssociationDefinition.Push(64);

        Assert.Equal((new ObisCode(0, 0, 40, 0, 1, 255), 16, AuthenticationMechanism.Lowest, false), (publicClient.LogicalName, publicClient.ClientSap, publicClient.Mechanism, publicClient.RequiresCiphering));
        Assert.Equal((new ObisCode(0, 0, 40, 0, 2, 255), 32, AuthenticationMechanism.Low, false), (reader.LogicalName, reader.ClientSap, reader.Mechanism, reader.RequiresCiphering));
        Assert.Equal((new ObisCode(0, 0, 40, 0, 3, 255), 48, AuthenticationMechanism.HighEcdsa, true), (utility.LogicalName, utility.ClientSap, utility.Mechanism, utility.RequiresCiphering));
        Assert.Equal((new ObisCode(0, 0, 40, 0, 4, 255), 64, AuthenticationMechanism.HighGmac, true), (push.LogicalName, push.ClientSap, push.Mechanism, push.RequiresCiphering));
        Assert.Equal([ApplicationContextName.LogicalNameReferencingNoCiphering], publicClient.AcceptedApplicationContexts.ToArray());
        Assert.Equal([ApplicationContextName.LogicalNameReferencingWithCiphering], utility.AcceptedApplicationContexts.ToArray());
        Assert.Equal(SecurityPolicy.None, reader.SecurityPolicy);
        Assert.Equal((SecurityPolicy)0x6C, utility.SecurityPolicy);
        Assert.False(publicClient.SupportedConformance.HasFlag(Conformance.Set));
        Assert.True(utility.SupportedConformance.HasFlag(Conformance.Action));
        foreach (var definition in new[] { publicClient, reader, utility, push })
        {
            definition.Validate();
        }
    }

    [Fact]
    public void ToString_MeterReader_RedactsThePassword()
    {
        var text = ServerAssociationDefinition.MeterReader(LlsPassword.FromBytes("12345678"u8)).ToString();

        Assert.DoesNotContain("12345678", text, StringComparison.Ordinal);
        Assert.Contains("redacted", text, StringComparison.Ordinal);
    }

    public static TheoryData<string, Func<ServerAssociationDefinition>> InvalidProperties => new()
    {
        { "HLS mechanism 2", () => ServerAssociationDefinition.PublicClient() with { Mechanism = AuthenticationMechanism.High } },
        { "HLS SHA-256", () => ServerAssociationDefinition.PublicClient() with { Mechanism = AuthenticationMechanism.HighSha256 } },
        { "short name service", () => ServerAssociationDefinition.PublicClient() with { SupportedConformance = Conformance.Read } },
        { "ACTION block transfer", () => ServerAssociationDefinition.PublicClient() with { SupportedConformance = Conformance.BlockTransferWithAction } },
        { "PDU below 12", () => ServerAssociationDefinition.PublicClient() with { ServerMaxReceivePduSize = 11 } },
        { "no context", () => ServerAssociationDefinition.PublicClient() with { AcceptedApplicationContexts = [] } },
        { "short name context", () => ServerAssociationDefinition.PublicClient() with { AcceptedApplicationContexts = [ApplicationContextName.ShortNameReferencingNoCiphering] } },
        { "reserved policy bits", () => ServerAssociationDefinition.PublicClient() with { SecurityPolicy = (SecurityPolicy)0x01 } },
        { "negative SAP", () => ServerAssociationDefinition.PublicClient() with { ClientSap = -1 } },
        { "utility with LLS", () => ServerAssociationDefinition.UtilitySettings(AuthenticationMechanism.Low) },
    };

    [Theory]
    [MemberData(nameof(InvalidProperties))]
    public void Init_InvalidProperty_Throws(string what, Func<ServerAssociationDefinition> create)
    {
        Assert.False(string.IsNullOrEmpty(what));
        Assert.ThrowsAny<ArgumentException>(() => create());
    }

    public static TheoryData<string, ServerAssociationDefinition> Inconsistent => new()
    {
        { "LLS without password", ServerAssociationDefinition.PublicClient() with { Mechanism = AuthenticationMechanism.Low } },
        { "password without LLS", ServerAssociationDefinition.PublicClient() with { LlsPassword = LlsPassword.FromBytes("x"u8) } },
        { "ciphering required, plain context", ServerAssociationDefinition.PublicClient() with { RequiresCiphering = true, AcceptedApplicationContexts = [ApplicationContextName.LogicalNameReferencingNoCiphering] } },
        { "policy without ciphering", ServerAssociationDefinition.PublicClient() with { SecurityPolicy = SecurityPolicy.AuthenticatedRequest } },
    };

    [Theory]
    [MemberData(nameof(Inconsistent))]
    public void Validate_InconsistentDefinition_ThrowsAndNoAssociationIsMade(string what, ServerAssociationDefinition definition)
    {
        Assert.False(string.IsNullOrEmpty(what));
        Assert.Throws<ArgumentException>(definition.Validate);
        Assert.Throws<ArgumentException>(() => new ServerAssociation(definition, ServerSession.Keys(), TestCosemServer.Profile(), new(), new()));
    }

    [Fact]
    public void AcceptedApplicationContexts_BothOffered_AcceptsEitherContext()
    {
        var definition = ServerAssociationDefinition.PublicClient() with
        {
            AcceptedApplicationContexts = ImmutableArray.Create(ApplicationContextName.LogicalNameReferencingNoCiphering, ApplicationContextName.LogicalNameReferencingWithCiphering),
        };
        using var plain = new ServerSession(definition, ServerSession.Keys());
        using var ciphered = new ServerSession(definition, ServerSession.Keys());

        var plainAare = plain.Associate(ServerSession.Aarq(ApplicationContextName.LogicalNameReferencingNoCiphering, ServerSession.Initiate().ToArray()));
        var cipheredAare = ciphered.Associate(ciphered.CipheredAarq(ServerSession.Initiate()));

        Assert.Equal(AssociationResult.Accepted, plainAare.Result);
        Assert.Equal(AssociationResult.Accepted, cipheredAare.Result);
        Assert.Equal(ApplicationContextName.LogicalNameReferencingWithCiphering, ciphered.Association.ApplicationContext);
        Assert.True(definition.AcceptsCiphering);
    }

    [Fact]
    public void Constructor_CipheringWithoutKeysOrWithSuite2_Throws()
    {
        var utility = ServerAssociationDefinition.UtilitySettings();

        Assert.Throws<ArgumentException>(() => new ServerAssociation(utility, null, TestCosemServer.Profile(), new(), new()));
        Assert.Throws<ArgumentException>(() => new ServerAssociation(utility, ServerSession.Keys(SecuritySuite.EcdhEcdsaAesGcm256Sha384), TestCosemServer.Profile(), new(), new()));
    }

    [Fact]
    public void Context_BeforeAnyAarq_IsUnauthenticatedWithoutProtection()
    {
        using var session = new ServerSession(ServerAssociationDefinition.PublicClient(), keys: null);

        var context = session.Association.Context;

        Assert.Equal(AssociationState.Idle, session.Association.State);
        Assert.False(context.IsAuthenticated);
        Assert.Null(context.ClientSystemTitle);
        Assert.Equal(MessageProtection.None, context.RequestProtection);
        Assert.Null(session.Association.ApplicationContext);
    }

    [Fact]
    public void Receive_AfterDispose_Throws()
    {
        var session = new ServerSession(ServerAssociationDefinition.PublicClient(), keys: null);
        session.Dispose();

        Assert.Throws<ObjectDisposedException>(() => session.Association.Receive([0x60]));
    }
}
