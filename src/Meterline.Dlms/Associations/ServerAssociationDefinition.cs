using System.Collections.Immutable;
using Meterline.Dlms.Acse;
using Meterline.Dlms.Cosem;
using Meterline.Dlms.Security;

namespace Meterline.Dlms.Associations;

/// <summary>
/// One application association a logical device offers (Blue Book, Association LN, and the "Security setup" it
/// refers to): which client it serves, how that client authenticates, whether the xDLMS messages are ciphered, the
/// security policy, and the xDLMS context (conformance, PDU size). IS 15959 defines four; <see cref="PublicClient"/>,
/// <see cref="MeterReader"/>, <see cref="UtilitySettings"/> and <see cref="Push"/> build them with the profile's
/// logical names (shared/reference/meter-profile.md).
/// </summary>
public sealed record ServerAssociationDefinition
{
    /// <summary>
    /// Green Book 9.3.2 (xDLMS initiate): a max-receive-pdu-size below 12 octets is reserved; 0 means no limit.
    /// </summary>
    public const ushort MinimumPduSize = 12;

    private readonly ImmutableArray<ApplicationContextName> _acceptedContexts;

    /// <summary>
    /// The conformance bits <see cref="ServerAssociation"/> implements: LN services GET, SET, ACTION with lists,
    /// selective access, attribute 0, block transfer of GET and SET, general protection, and the notification and
    /// priority bits that need nothing from the association. Short-name services, general block transfer and ACTION
    /// with block transfer are not implemented and are never negotiated.
    /// </summary>
    public static Conformance ImplementedConformance =>
        Conformance.GeneralProtection | Conformance.Attribute0SupportedWithSet | Conformance.PriorityMgmtSupported |
        Conformance.Attribute0SupportedWithGet | Conformance.BlockTransferWithGetOrRead |
        Conformance.BlockTransferWithSetOrWrite | Conformance.MultipleReferences | Conformance.DataNotification |
        Conformance.Get | Conformance.Set | Conformance.SelectiveAccess | Conformance.EventNotification |
        Conformance.Action;

    /// <summary>The logical name of this association's Association LN object (interface class 15).</summary>
    public required ObisCode LogicalName { get; init; }

    /// <summary>The client SAP (HDLC client address or wrapper wPort) this association serves.</summary>
    public required int ClientSap
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, ushort.MaxValue);
            field = value;
        }
    }

    /// <summary>Lowest, Low (LLS), HighGmac (HLS 5) or HighEcdsa (HLS 7); other mechanisms are not supported.</summary>
    public required AuthenticationMechanism Mechanism
    {
        get;
        init
        {
            if (value is not (AuthenticationMechanism.Lowest or AuthenticationMechanism.Low or AuthenticationMechanism.HighGmac or AuthenticationMechanism.HighEcdsa))
            {
                throw new ArgumentException($"Authentication mechanism {value} is not supported by the server association", nameof(value));
            }

            field = value;
        }
    }

    /// <summary>
    /// True when the xDLMS messages must be ciphered: only "LN referencing with ciphering" is accepted. When false,
    /// <see cref="AcceptedApplicationContexts"/> may still offer the ciphered context next to the plain one.
    /// </summary>
    public bool RequiresCiphering { get; init; }

    /// <summary>
    /// The application context names a client may propose. Defaults to the one <see cref="RequiresCiphering"/> implies;
    /// only the logical name referencing contexts are accepted.
    /// </summary>
    public ImmutableArray<ApplicationContextName> AcceptedApplicationContexts
    {
        get => _acceptedContexts.IsDefault
            ? [RequiresCiphering ? ApplicationContextName.LogicalNameReferencingWithCiphering : ApplicationContextName.LogicalNameReferencingNoCiphering]
            : _acceptedContexts;
        init
        {
            if (value.IsDefaultOrEmpty)
            {
                throw new ArgumentException("At least one application context must be accepted", nameof(value));
            }

            if (value.Any(c => c is not (ApplicationContextName.LogicalNameReferencingNoCiphering or ApplicationContextName.LogicalNameReferencingWithCiphering)))
            {
                throw new ArgumentException("Only logical name referencing contexts are supported", nameof(value));
            }

            _acceptedContexts = value;
        }
    }

    /// <summary>The LLS secret, required with <see cref="AuthenticationMechanism.Low"/> and refused otherwise.</summary>
    public LlsPassword? LlsPassword { get; init; }

    /// <summary>The security_policy of the association's Security setup; anything but none needs ciphering.</summary>
    public SecurityPolicy SecurityPolicy
    {
        get;
        init
        {
            if (!SecurityPolicyCheck.IsValid((byte)value))
            {
                throw new ArgumentException("Bits 0 and 1 of a version 1 security policy are reserved", nameof(value));
            }

            field = value;
        }
    }

    /// <summary>The conformance the server offers in this association; a subset of <see cref="ImplementedConformance"/>.</summary>
    public required Conformance SupportedConformance
    {
        get;
        init
        {
            if ((value & ~ImplementedConformance) != 0)
            {
                throw new ArgumentException($"Conformance {value & ~ImplementedConformance} is not implemented", nameof(value));
            }

            field = value;
        }
    }

    /// <summary>server-max-receive-pdu-size of the InitiateResponse: the longest APDU the server accepts.</summary>
    public ushort ServerMaxReceivePduSize
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, MinimumPduSize);
            field = value;
        }
    } = 1024;

    /// <summary>True when an accepted context ciphers xDLMS messages, so keys and system titles are needed.</summary>
    public bool AcceptsCiphering => AcceptedApplicationContexts.Contains(ApplicationContextName.LogicalNameReferencingWithCiphering);

    /// <summary>True for HLS mechanisms 5 and 7 (four-pass authentication).</summary>
    public bool IsHighLevelSecurity => Mechanism is AuthenticationMechanism.HighGmac or AuthenticationMechanism.HighEcdsa;

    /// <summary>IS 15959 public client: SAP 16, no authentication, no ciphering, reading only.</summary>
    public static ServerAssociationDefinition PublicClient() => new()
    {
        LogicalName = new ObisCode(0, 0, 40, 0, 1, 255),
        ClientSap = 16,
        Mechanism = AuthenticationMechanism.Lowest,
        SupportedConformance = ReadingConformance,
    };

    /// <summary>IS 15959 meter reader: SAP 32, low level security (password), no ciphering, reading only.</summary>
    public static ServerAssociationDefinition MeterReader(LlsPassword password)
    {
        ArgumentNullException.ThrowIfNull(password);
        return new()
        {
            LogicalName = new ObisCode(0, 0, 40, 0, 2, 255),
            ClientSap = 32,
            Mechanism = AuthenticationMechanism.Low,
            LlsPassword = password,
            SupportedConformance = ReadingConformance,
        };
    }

    /// <summary>
    /// IS 15959 utility settings: SAP 48, HLS mechanism 5 (GMAC, suite 0) or 7 (ECDSA, suite 1), ciphered, requests
    /// and responses authenticated and encrypted; GET, SET and ACTION.
    /// </summary>
    public static ServerAssociationDefinition UtilitySettings(AuthenticationMechanism mechanism = AuthenticationMechanism.HighGmac)
    {
        if (mechanism is not (AuthenticationMechanism.HighGmac or AuthenticationMechanism.HighEcdsa))
        {
            throw new ArgumentException("The utility settings association uses HLS mechanism 5 or 7", nameof(mechanism));
        }

        return new()
        {
            LogicalName = new ObisCode(0, 0, 40, 0, 3, 255),
            ClientSap = 48,
            Mechanism = mechanism,
            RequiresCiphering = true,
            SecurityPolicy = AuthenticatedEncrypted,
            SupportedConformance = ReadingConformance | Conformance.Set | Conformance.Action |
                Conformance.BlockTransferWithSetOrWrite | Conformance.GeneralProtection,
        };
    }

    /// <summary>
    /// IS 15959 push: HLS, ciphered, authenticated and encrypted. The profile assigns no client SAP to it, so the
    /// caller names the one its head-end uses.
    /// </summary>
    public static ServerAssociationDefinition Push(int clientSap, AuthenticationMechanism mechanism = AuthenticationMechanism.HighGmac)
    {
        if (mechanism is not (AuthenticationMechanism.HighGmac or AuthenticationMechanism.HighEcdsa))
        {
            throw new ArgumentException("The push association uses HLS mechanism 5 or 7", nameof(mechanism));
        }

        return new()
        {
            LogicalName = new ObisCode(0, 0, 40, 0, 4, 255),
            ClientSap = clientSap,
            Mechanism = mechanism,
            RequiresCiphering = true,
            SecurityPolicy = AuthenticatedEncrypted,
            SupportedConformance = Conformance.Get | Conformance.BlockTransferWithGetOrRead | Conformance.DataNotification |
                Conformance.GeneralProtection,
        };
    }

    /// <summary>Checks the combinations the individual properties cannot check alone.</summary>
    /// <exception cref="ArgumentException">The definition is inconsistent.</exception>
    public void Validate()
    {
        if (Mechanism == AuthenticationMechanism.Low && LlsPassword is null)
        {
            throw new ArgumentException("Low level security needs an LLS password");
        }

        if (Mechanism != AuthenticationMechanism.Low && LlsPassword is not null)
        {
            throw new ArgumentException("An LLS password is only used with low level security");
        }

        if (RequiresCiphering && AcceptedApplicationContexts.Contains(ApplicationContextName.LogicalNameReferencingNoCiphering))
        {
            throw new ArgumentException("An association that requires ciphering cannot accept the context without ciphering");
        }

        if (SecurityPolicy != SecurityPolicy.None && !RequiresCiphering)
        {
            throw new ArgumentException("A security policy other than none needs ciphering");
        }
    }

    private static Conformance ReadingConformance =>
        Conformance.Get | Conformance.SelectiveAccess | Conformance.BlockTransferWithGetOrRead | Conformance.MultipleReferences;

    private static SecurityPolicy AuthenticatedEncrypted =>
        SecurityPolicy.AuthenticatedRequest | SecurityPolicy.EncryptedRequest |
        SecurityPolicy.AuthenticatedResponse | SecurityPolicy.EncryptedResponse;
}
