using Meterline.Dlms.Acse;
using Meterline.Dlms.Security;

namespace Meterline.Dlms.Associations;

/// <summary>How a client asks for an association (Green Book, AARQ and xDLMS InitiateRequest parameters).</summary>
public sealed record ClientAssociationSettings
{
    /// <summary>The conformance a client normally proposes for LN referencing.</summary>
    public const Conformance DefaultConformance =
        Conformance.BlockTransferWithGetOrRead | Conformance.BlockTransferWithSetOrWrite | Conformance.BlockTransferWithAction
        | Conformance.MultipleReferences | Conformance.DataNotification | Conformance.Get | Conformance.Set
        | Conformance.SelectiveAccess | Conformance.EventNotification | Conformance.Action;

    /// <summary>LN referencing; with ciphering when the xDLMS APDUs are to be protected.</summary>
    public ApplicationContextName ApplicationContext { get; init; } = ApplicationContextName.LogicalNameReferencingNoCiphering;

    /// <summary>Lowest (none), Low (LLS password), HighGmac (HLS 5) or HighEcdsa (HLS 7).</summary>
    public AuthenticationMechanism Mechanism { get; init; } = AuthenticationMechanism.Lowest;

    /// <summary>The LLS password.</summary>
    public LlsPassword? Password { get; init; }

    /// <summary>
    /// The protection the client applies to its requests and demands of responses (security policy bits). In a
    /// ciphered context the default is authenticated and encrypted both ways.
    /// </summary>
    public SecurityPolicy Policy { get; init; } =
        SecurityPolicy.AuthenticatedRequest | SecurityPolicy.EncryptedRequest | SecurityPolicy.AuthenticatedResponse | SecurityPolicy.EncryptedResponse;

    /// <summary>Propose a dedicated key and cipher requests with it (ded- APDUs) instead of the global key.</summary>
    public bool UseDedicatedKey { get; init; }

    /// <summary>The server's system title, when known in advance; an AARE naming another is refused.</summary>
    public SystemTitle? ExpectedServerSystemTitle { get; init; }

    public Conformance ProposedConformance { get; init; } = DefaultConformance;

    /// <summary>client-max-receive-pdu-size.</summary>
    public ushort MaxReceivePduSize { get; init; } = 2048;

    /// <summary>Length of the HLS challenge CtoS (8–64).</summary>
    public int ChallengeLength { get; init; } = 16;

    public BlockTransferLimits BlockLimits { get; init; } = BlockTransferLimits.Default;

    /// <summary>True when the application context protects xDLMS APDUs.</summary>
    public bool IsCiphered => ApplicationContext is ApplicationContextName.LogicalNameReferencingWithCiphering or ApplicationContextName.ShortNameReferencingWithCiphering;
}
