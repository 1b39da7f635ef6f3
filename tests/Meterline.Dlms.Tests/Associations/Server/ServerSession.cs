using Meterline.Dlms.Acse;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Associations;
using Meterline.Dlms.Security;
using Meterline.Dlms.Tests.Security;
using ServiceError = Meterline.Dlms.Apdus.ServiceError;

namespace Meterline.Dlms.Tests.Associations.Server;

/// <summary>
/// A scripted client against one <see cref="ServerAssociation"/> over the published Green Book keys EK and AK:
/// it builds the client's APDUs (ciphering them with the client's system title and counter) and opens the server's
/// responses with the client's keys, so every exchange is checked byte-in, byte-out.
/// </summary>
internal sealed class ServerSession : IDisposable
{
    public const byte AuthenticatedEncryption = 0x30;
    public const byte AuthenticationOnly = 0x10;

    /// <summary>Every logical name referencing service and option a client might propose.</summary>
    public const Conformance AllServices = Conformance.GeneralProtection | Conformance.Attribute0SupportedWithSet |
        Conformance.Attribute0SupportedWithGet | Conformance.BlockTransferWithGetOrRead | Conformance.BlockTransferWithSetOrWrite |
        Conformance.BlockTransferWithAction | Conformance.MultipleReferences | Conformance.Get | Conformance.Set |
        Conformance.SelectiveAccess | Conformance.Action;

    public ServerSession(
        ServerAssociationDefinition definition,
        AssociationKeys? keys,
        BlockTransferLimits? limits = null,
        SystemTitle? clientTitle = null,
        uint serverCounter = GreenBookVectors.ServerInvocationCounter,
        TransactionIdGuard? transactionIds = null)
    {
        Server = TestCosemServer.Profile();
        ServerCounter = new OutgoingInvocationCounter(serverCounter);
        Association = new ServerAssociation(definition, keys, Server, Guard, ServerCounter, limits, transactionIds);
        Association.SignatureRefused += (_, e) => SignatureRefusals.Add(e.Reason);
        ServerTitle = keys?.SystemTitle ?? GreenBookVectors.ServerSystemTitle;
        ClientTitle = clientTitle ?? GreenBookVectors.ClientSystemTitle;
        ClientCipher = new AesGcmCipher(GreenBookVectors.EncryptionKey, GreenBookVectors.AuthenticationKey, keys?.Suite ?? SecuritySuite.AesGcm128, acceptEncryptionOnly: true);
    }

    public ServerAssociation Association { get; }

    public TestCosemServer Server { get; }

    public InvocationCounterGuard Guard { get; } = new();

    /// <summary>The refusals for a signature the association reported, in order.</summary>
    public List<SignatureRefusal> SignatureRefusals { get; } = [];

    public OutgoingInvocationCounter ServerCounter { get; }

    public SystemTitle ServerTitle { get; }

    public SystemTitle ClientTitle { get; }

    /// <summary>The client's cipher of the global unicast key.</summary>
    public AesGcmCipher ClientCipher { get; }

    /// <summary>Authenticated encryption with the keys' suite: 0x30 for suite 0, 0x31 for suite 1.</summary>
    public byte Protected => (byte)(AuthenticatedEncryption | (byte)ClientCipher.Suite);

    /// <summary>The client's next invocation counter.</summary>
    public uint ClientCounter { get; set; } = 1;

    /// <summary>The security control of the last ciphered response opened, or null when it was plain.</summary>
    public SecurityControl? LastResponseControl { get; private set; }

    /// <summary>The tag of the last response as sent (the glo- or ded- tag when ciphered).</summary>
    public byte LastResponseTag { get; private set; }

    /// <summary>The published keys with the server's system title ST_S.</summary>
    public static AssociationKeys Keys(SecuritySuite suite = SecuritySuite.AesGcm128, SystemTitle? serverTitle = null) =>
        new(serverTitle ?? GreenBookVectors.ServerSystemTitle, GreenBookVectors.EncryptionKey, GreenBookVectors.AuthenticationKey, suite);

    public static InitiateRequest Initiate(Conformance conformance = AllServices, ushort maxPdu = 0x04B0, byte version = 6, byte[]? dedicatedKey = null) => new()
    {
        ProposedConformance = conformance,
        ClientMaxReceivePduSize = maxPdu,
        ProposedDlmsVersionNumber = version,
        DedicatedKey = dedicatedKey is null ? (ReadOnlyMemory<byte>?)null : dedicatedKey,
    };

    public static Aarq Aarq(
        ApplicationContextName context,
        ReadOnlyMemory<byte>? userInformation,
        AuthenticationMechanism? mechanism = null,
        AuthenticationValue? value = null,
        SystemTitle? callingTitle = null) => new()
    {
        ApplicationContextName = context,
        CallingApTitle = callingTitle is { } title ? title.Encode() : (ReadOnlyMemory<byte>?)null,
        SenderAcseRequirements = mechanism is null ? null : AcseRequirements.Authentication,
        MechanismName = mechanism,
        CallingAuthenticationValue = value,
        UserInformation = userInformation,
    };

    /// <summary>An AARQ in the ciphered context, its InitiateRequest glo-ciphered with the client's next counter.</summary>
    public Aarq CipheredAarq(InitiateRequest initiate, AuthenticationMechanism? mechanism = null, AuthenticationValue? value = null, byte? securityControl = null) =>
        Aarq(ApplicationContextName.LogicalNameReferencingWithCiphering, Glo(initiate, securityControl), mechanism, value, ClientTitle);

    /// <summary>Sends bytes and returns the response, failing the test when none comes.</summary>
    public byte[] Receive(byte[] apdu) =>
        Association.Receive(apdu) is { } response ? response.ToArray() : throw new Xunit.Sdk.XunitException("The server sent no response");

    /// <summary>Sends an AARQ and decodes the AARE.</summary>
    public Aare Associate(Aarq aarq) => Assert.IsType<Aare>(ApduCodec.Decode(Receive(aarq.ToArray())));

    /// <summary>The glo- form of <paramref name="plain"/> from the client, with its next counter unless one is given.</summary>
    public byte[] Glo(Apdu plain, byte? securityControl = null, uint? counter = null) =>
        CipheredApdu.Protect(ClientCipher, new SecurityControl(securityControl ?? Protected), ClientTitle, counter ?? ClientCounter++, plain.ToArray()).ToArray();

    /// <summary>Sends a request (glo-ciphered when a security control is given) and opens the response.</summary>
    public Apdu Exchange(Apdu request, byte? securityControl = null) =>
        Open(Receive(securityControl is { } control ? Glo(request, control) : request.ToArray()));

    /// <summary>
    /// Decodes a response, removing a glo-/ded- or general-glo ciphering with <paramref name="cipher"/> (the
    /// client's global cipher when null) and the server's system title; notes its protection.
    /// </summary>
    public Apdu Open(byte[] response, AesGcmCipher? cipher = null)
    {
        LastResponseTag = response[0];
        var apdu = ApduCodec.Decode(response);
        LastResponseControl = null;
        byte[]? plain = apdu switch
        {
            CipheredApdu ciphered => ciphered.Unprotect(cipher ?? ClientCipher, ServerTitle),
            GeneralGloCiphering general => general.Unprotect(cipher ?? ClientCipher, ServerTitle),
            GeneralDedCiphering general => general.Unprotect(cipher ?? ClientCipher, ServerTitle),
            _ => null,
        };
        if (plain is null)
        {
            return apdu;
        }

        LastResponseControl = new SecurityControl(apdu switch
        {
            CipheredApdu c => c.CipheredContent.Span[0],
            GeneralGloCiphering g => g.CipheredContent.Span[0],
            _ => ((GeneralDedCiphering)apdu).CipheredContent.Span[0],
        });
        return ApduCodec.Decode(plain);
    }

    /// <summary>Decodes a response that must be an ExceptionResponse.</summary>
    public static ExceptionResponse AssertException(ReadOnlyMemory<byte>? response, StateError stateError, ServiceError serviceError)
    {
        Assert.NotNull(response);
        var exception = Assert.IsType<ExceptionResponse>(ApduCodec.Decode(response.Value.Span));
        Assert.Equal(stateError, exception.StateError);
        Assert.Equal(serviceError, exception.ServiceError);
        return exception;
    }

    public void Dispose()
    {
        Association.Dispose();
        ClientCipher.Dispose();
    }
}
