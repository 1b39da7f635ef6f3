using Meterline.Dlms.Acse;
using Meterline.Dlms.Associations;
using Meterline.Dlms.Cosem;

namespace Meterline.Meter.Cosem;

/// <summary>
/// The fixed facts an Association LN object (Blue Book 4.4.3) reports about its association: the partners (client
/// SAP 0–127, as associated_partners_id carries it in an integer; server SAP), the application context and
/// authentication mechanism names, the xDLMS context (conformance, PDU sizes), the Security setup object it uses,
/// and how a new secret is installed (<see cref="ChangeSecret"/>: the LLS password written to attribute 7, or the
/// HLS secret of method 2 change_HLS_secret; true when accepted).
/// </summary>
public sealed record AssociationLnDescription
{
    /// <summary>The DLMS version of xDLMS_context_info (Green Book: 6).</summary>
    public const byte DlmsVersionNumber = 6;

    public AssociationLnDescription(
        int clientSap,
        ushort serverSap,
        ApplicationContextName applicationContextName,
        AuthenticationMechanism authenticationMechanism,
        Conformance conformance,
        ushort maxReceivePduSize,
        ushort maxSendPduSize,
        ObisCode securitySetupReference,
        Func<ReadOnlyMemory<byte>, bool>? changeSecret = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(clientSap);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(clientSap, sbyte.MaxValue);
        if ((uint)conformance > 0xFFFFFF)
        {
            throw new ArgumentOutOfRangeException(nameof(conformance), "A conformance block has 24 bits");
        }

        ClientSap = clientSap;
        ServerSap = serverSap;
        ApplicationContextName = applicationContextName;
        AuthenticationMechanism = authenticationMechanism;
        Conformance = conformance;
        MaxReceivePduSize = maxReceivePduSize;
        MaxSendPduSize = maxSendPduSize;
        SecuritySetupReference = securitySetupReference;
        ChangeSecret = changeSecret;
    }

    public int ClientSap { get; }

    public ushort ServerSap { get; }

    public ApplicationContextName ApplicationContextName { get; }

    public AuthenticationMechanism AuthenticationMechanism { get; }

    public Conformance Conformance { get; }

    public ushort MaxReceivePduSize { get; }

    public ushort MaxSendPduSize { get; }

    public ObisCode SecuritySetupReference { get; }

    public Func<ReadOnlyMemory<byte>, bool>? ChangeSecret { get; }

    /// <summary>
    /// The description of a server association: its client SAP, mechanism, conformance and receive PDU size; the
    /// ciphered LN context when the association accepts ciphering, the plain one otherwise.
    /// </summary>
    public static AssociationLnDescription FromDefinition(
        ServerAssociationDefinition definition,
        ushort serverSap,
        ushort maxSendPduSize,
        ObisCode securitySetupReference,
        Func<ReadOnlyMemory<byte>, bool>? changeSecret = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return new AssociationLnDescription(
            definition.ClientSap,
            serverSap,
            definition.AcceptsCiphering ? ApplicationContextName.LogicalNameReferencingWithCiphering : ApplicationContextName.LogicalNameReferencingNoCiphering,
            definition.Mechanism,
            definition.SupportedConformance,
            definition.ServerMaxReceivePduSize,
            maxSendPduSize,
            securitySetupReference,
            changeSecret);
    }
}
