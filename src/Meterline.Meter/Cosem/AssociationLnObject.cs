using System.Collections.Immutable;
using Meterline.Dlms.Acse;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Associations;
using Meterline.Dlms.Cosem;

namespace Meterline.Meter.Cosem;

/// <summary>
/// Interface class 15 "Association LN", version 1 (Blue Book 4.4.3): 9 attributes and 4 methods (add_user and
/// remove_user, methods 5 and 6, belong to version 2 and are answered ObjectUndefined).
/// <list type="bullet">
/// <item>2 <c>object_list</c>: see <see cref="ObjectListEntry.ToData"/>. 3 <c>associated_partners_id</c>: structure
/// {client_SAP integer, server_SAP long-unsigned}.</item>
/// <item>4 <c>application_context_name</c> and 6 <c>authentication_mechanism_name</c>: the object identifier as an
/// octet-string of its seven BER content octets (<c>60 85 74 05 08 01 0N</c>, <c>60 85 74 05 08 02 0N</c>).</item>
/// <item>5 <c>xDLMS_context_info</c>: structure {conformance bit-string(24), max_receive_pdu_size long-unsigned,
/// max_send_pdu_size long-unsigned, dlms_version_number unsigned (6), quality_of_service integer (0),
/// cyphering_info octet-string (empty: no dedicated key is disclosed)}.</item>
/// <item>7 <c>secret</c>: never readable (ReadWriteDenied). Writable with an octet-string of 1 to
/// <see cref="MaximumSecretLength"/> bytes only in an LLS association with a change-secret callback (else
/// ReadWriteDenied); OtherReason when the size is wrong or the callback declines.</item>
/// <item>8 <c>association_status</c>: enum, 0 non-associated, 1 association-pending, 2 associated (the default: the
/// object is read through an open association). 9 <c>security_setup_reference</c>: octet-string(6).</item>
/// </list>
/// Methods: 1 <c>reply_to_HLS_authentication</c> is served by the server association before any object sees it, so
/// here it is ReadWriteDenied; 2 <c>change_HLS_secret</c> (octet-string, 1 to <see cref="MaximumSecretLength"/> bytes)
/// goes to the change-secret callback in an HLS association (ReadWriteDenied otherwise or without a callback,
/// TypeUnmatched for another type, OtherReason for a wrong size or when declined); 3 <c>add_object</c> and 4
/// <c>remove_object</c> are ReadWriteDenied (the object list is fixed by the profile).
/// </summary>
public sealed class AssociationLnObject : CosemObject
{
    public const sbyte ObjectListAttribute = 2;
    public const sbyte AssociatedPartnersIdAttribute = 3;
    public const sbyte ApplicationContextNameAttribute = 4;
    public const sbyte XdlmsContextInfoAttribute = 5;
    public const sbyte AuthenticationMechanismNameAttribute = 6;
    public const sbyte SecretAttribute = 7;
    public const sbyte AssociationStatusAttribute = 8;
    public const sbyte SecuritySetupReferenceAttribute = 9;

    public const sbyte ReplyToHlsAuthenticationMethod = 1;
    public const sbyte ChangeHlsSecretMethod = 2;

    /// <summary>association_status 2: associated.</summary>
    public const byte Associated = 2;

    /// <summary>The longest secret accepted, in bytes.</summary>
    public const int MaximumSecretLength = 64;

    private readonly Func<IEnumerable<ObjectListEntry>> _objectList;
    private readonly Func<byte>? _associationStatus;

    /// <param name="ln">The logical name (0.0.40.0.x.255).</param>
    /// <param name="description">What the association is.</param>
    /// <param name="objectList">The objects visible in the association, with their access rights in it.</param>
    /// <param name="associationStatus">association_status; 2 (associated) when absent.</param>
    public AssociationLnObject(
        ObisCode ln,
        AssociationLnDescription description,
        Func<IEnumerable<ObjectListEntry>> objectList,
        Func<byte>? associationStatus = null)
        : base(ln)
    {
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(objectList);
        Description = description;
        _objectList = objectList;
        _associationStatus = associationStatus;
    }

    public AssociationLnDescription Description { get; }

    public override ushort ClassId => 15;

    public override byte Version => 1;

    public override int AttributeCount => 9;

    public override int MethodCount => 4;

    private bool IsHighLevelSecurity => Description.AuthenticationMechanism >= AuthenticationMechanism.High;

    protected override GetDataResult GetAttribute(AssociationContext association, sbyte attributeId, SelectiveAccessDescriptor? selection) =>
        attributeId switch
        {
            ObjectListAttribute => new(new CosemData.Array(_objectList().Select(e => e.ToData()).ToImmutableArray())),
            AssociatedPartnersIdAttribute => new(new CosemData.Structure(
                new CosemData.Integer((sbyte)Description.ClientSap),
                new CosemData.LongUnsigned(Description.ServerSap))),
            ApplicationContextNameAttribute => new(new CosemData.OctetString(
                DlmsUaName.Encode(DlmsUaName.ApplicationContextGroup, (byte)Description.ApplicationContextName))),
            XdlmsContextInfoAttribute => new(XdlmsContextInfo()),
            AuthenticationMechanismNameAttribute => new(new CosemData.OctetString(
                DlmsUaName.Encode(DlmsUaName.AuthenticationMechanismGroup, (byte)Description.AuthenticationMechanism))),
            SecretAttribute => new(DataAccessResult.ReadWriteDenied),
            AssociationStatusAttribute => new(new CosemData.Enum(_associationStatus?.Invoke() ?? Associated)),
            _ => new(new CosemData.OctetString(Description.SecuritySetupReference.ToArray())),
        };

    protected override DataAccessResult SetAttribute(AssociationContext association, sbyte attributeId, CosemData value)
    {
        if (attributeId != SecretAttribute || Description.AuthenticationMechanism != AuthenticationMechanism.Low ||
            Description.ChangeSecret is null)
        {
            return DataAccessResult.ReadWriteDenied;
        }

        return ChangeSecret(value) switch
        {
            ActionResult.Success => DataAccessResult.Success,
            ActionResult.TypeUnmatched => DataAccessResult.TypeUnmatched,
            _ => DataAccessResult.OtherReason,
        };
    }

    protected override (ActionResult Result, CosemData? ReturnData) InvokeMethod(AssociationContext association, sbyte methodId, CosemData? parameters) =>
        methodId == ChangeHlsSecretMethod && IsHighLevelSecurity && Description.ChangeSecret is not null
            ? (ChangeSecret(parameters), null)
            : (ActionResult.ReadWriteDenied, null);

    private ActionResult ChangeSecret(CosemData? value)
    {
        if (value is not CosemData.OctetString secret)
        {
            return ActionResult.TypeUnmatched;
        }

        if (secret.Value.Length is 0 or > MaximumSecretLength)
        {
            return ActionResult.OtherReason;
        }

        return Description.ChangeSecret!(secret.Value) ? ActionResult.Success : ActionResult.OtherReason;
    }

    private CosemData.Structure XdlmsContextInfo()
    {
        var conformance = (uint)Description.Conformance;
        byte[] bits = [(byte)(conformance >> 16), (byte)(conformance >> 8), (byte)conformance];
        return new CosemData.Structure(
            new CosemData.BitString(bits, 24),
            new CosemData.LongUnsigned(Description.MaxReceivePduSize),
            new CosemData.LongUnsigned(Description.MaxSendPduSize),
            new CosemData.Unsigned(AssociationLnDescription.DlmsVersionNumber),
            new CosemData.Integer(0),
            new CosemData.OctetString(ReadOnlyMemory<byte>.Empty));
    }
}
