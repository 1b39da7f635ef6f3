using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Meterline.Dlms;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Associations;
using Meterline.Dlms.Cosem;
using Meterline.Dlms.Security;
using Meterline.Meter.Cosem;
using Meterline.Meter.Events;

namespace Meterline.Meter.Security;

/// <summary>
/// "Security setup" (Blue Book 4.4.7, class 64, version 1). Attributes: 2 security_policy (enum, the v1 bit layout of
/// <see cref="SecurityPolicy"/>; writable, never downgraded), 3 security_suite (enum, read-only here: a suite change
/// needs new keys and is a manufacturing decision), 4 client_system_title, 5 server_system_title (octet-strings),
/// 6 certificates (always an empty array: no certificates are held). Methods: 1 security_activate (security_policy
/// enum), 2 global_key_transfer (array of key_data: structure {key_id enum, key_wrapped octet-string}), 6
/// import_certificate (octet-string, an X.509 certificate in DER whose subject public key — ECDSA P-256, with
/// digitalSignature in its key usage if it has one — becomes the head-end public key the meter trusts for signed
/// commands; the certificate itself is not kept, its own signature and validity are not checked: the request that
/// carries it is what is trusted); 3 key_agreement, 4 generate_key_pair, 5 generate_certificate_request, 7
/// export_certificate and 8 remove_certificate answer <see cref="ActionResult.ReadWriteDenied"/> (suite 0 keys only).
/// <para>
/// Policy: the new policy must include every bit of the current one (no downgrade) →
/// <see cref="DataAccessResult.ReadWriteDenied"/> / <see cref="ActionResult.ReadWriteDenied"/>; bits 0 and 1 set, or
/// a signature bit under suite 0 (signing needs suite 1 or 2) → OtherReason.
/// Key transfer: every key_wrapped is unwrapped (RFC 3394) with the CURRENT master key before anything changes; one
/// bad wrap, duplicate key_id, unknown key_id or wrong length → OtherReason and no key changes. With no master key
/// (erased by tamper) a transfer is ReadWriteDenied: re-keying is then on site. Events: 162 (HLS key changed) for
/// the authentication key, which HLS-GMAC authentication uses; 164 (global key changed) for the unicast and broadcast
/// encryption keys and the master key; only for keys whose value changed.
/// </para>
/// <para>
/// Certificate import: anything but an octet-string → TypeUnmatched; longer than <see cref="MaxCertificateLength"/>,
/// not a certificate, not a P-256 key, or a key usage without digitalSignature → OtherReason and nothing changes.
/// Event 194 (head-end public key changed) when the key changed. Who may import is the profile's choice: the utility
/// association, with a request signed under the current key once the meter holds one.
/// </para>
/// </summary>
public sealed class SecuritySetupObject : CosemObject
{
    /// <summary>At most one entry per key_id in one global_key_transfer.</summary>
    public const int MaxKeysPerTransfer = 4;

    /// <summary>The longest certificate import_certificate reads.</summary>
    public const int MaxCertificateLength = 2048;

    private const sbyte SecurityPolicyAttribute = 2;
    private const sbyte SecuritySuiteAttribute = 3;
    private const sbyte ClientSystemTitleAttribute = 4;
    private const sbyte ServerSystemTitleAttribute = 5;
    private const sbyte SecurityActivateMethod = 1;
    private const sbyte GlobalKeyTransferMethod = 2;
    private const sbyte ImportCertificateMethod = 6;
    private const byte ReservedPolicyBits = 0x03;
    private const int WrappedKeyLength = CipherKey.Length + 8;

    private readonly MeterKeyStore _keys;
    private readonly IEventRecorder _events;
    private readonly Func<SystemTitle?>? _clientSystemTitle;

    /// <param name="logicalName">0.0.43.0.x.255 (x: the association).</param>
    /// <param name="keys">The keys this object transfers.</param>
    /// <param name="serverSystemTitle">The meter's system title (attribute 5).</param>
    /// <param name="events">Where 162 and 164 are recorded.</param>
    /// <param name="policy">The initial security_policy.</param>
    /// <param name="suite">The security_suite.</param>
    /// <param name="clientSystemTitle">
    /// Supplies client_system_title (attribute 4); without it the association's own client system title is returned.
    /// </param>
    public SecuritySetupObject(
        ObisCode logicalName,
        MeterKeyStore keys,
        SystemTitle serverSystemTitle,
        IEventRecorder events,
        SecurityPolicy policy,
        SecuritySuite suite,
        Func<SystemTitle?>? clientSystemTitle = null)
        : base(logicalName)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(events);
        if (!Enum.IsDefined(suite))
        {
            throw new ArgumentOutOfRangeException(nameof(suite), suite, "Unknown security suite");
        }

        if (PolicyError(policy, suite) is not null)
        {
            throw new ArgumentOutOfRangeException(nameof(policy), policy, "Policy not valid for the suite");
        }

        _keys = keys;
        _events = events;
        _clientSystemTitle = clientSystemTitle;
        ServerSystemTitle = serverSystemTitle;
        Policy = policy;
        Suite = suite;
    }

    public override ushort ClassId => 64;

    public override byte Version => 1;

    public override int AttributeCount => 6;

    public override int MethodCount => 8;

    /// <summary>security_policy now in force.</summary>
    public SecurityPolicy Policy { get; private set; }

    /// <summary>security_suite.</summary>
    public SecuritySuite Suite { get; }

    /// <summary>server_system_title.</summary>
    public SystemTitle ServerSystemTitle { get; }

    protected override GetDataResult GetAttribute(AssociationContext association, sbyte attributeId, SelectiveAccessDescriptor? selection) =>
        attributeId switch
        {
            SecurityPolicyAttribute => new GetDataResult(new CosemData.Enum((byte)Policy)),
            SecuritySuiteAttribute => new GetDataResult(new CosemData.Enum((byte)Suite)),
            ClientSystemTitleAttribute => new GetDataResult(TitleData(_clientSystemTitle is null ? association.ClientSystemTitle : _clientSystemTitle())),
            ServerSystemTitleAttribute => new GetDataResult(TitleData(ServerSystemTitle)),
            _ => new GetDataResult(new CosemData.Array()),
        };

    protected override DataAccessResult SetAttribute(AssociationContext association, sbyte attributeId, CosemData value)
    {
        if (attributeId != SecurityPolicyAttribute)
        {
            return DataAccessResult.ReadWriteDenied;
        }

        if (value is not CosemData.Enum { Value: var raw })
        {
            return DataAccessResult.TypeUnmatched;
        }

        return ChangePolicy((SecurityPolicy)raw) switch
        {
            ActionResult.Success => DataAccessResult.Success,
            ActionResult.ReadWriteDenied => DataAccessResult.ReadWriteDenied,
            _ => DataAccessResult.OtherReason,
        };
    }

    protected override (ActionResult Result, CosemData? ReturnData) InvokeMethod(AssociationContext association, sbyte methodId, CosemData? parameters)
    {
        switch (methodId)
        {
            case SecurityActivateMethod:
                return parameters is CosemData.Enum { Value: var raw }
                    ? (ChangePolicy((SecurityPolicy)raw), null)
                    : (ActionResult.TypeUnmatched, null);
            case GlobalKeyTransferMethod:
                return (TransferKeys(parameters), null);
            case ImportCertificateMethod:
                return (ImportCertificate(parameters), null);
            default:
                return (ActionResult.ReadWriteDenied, null);
        }
    }

    private ActionResult ChangePolicy(SecurityPolicy policy)
    {
        if (PolicyError(policy, Suite) is not null)
        {
            return ActionResult.OtherReason;
        }

        if ((policy & Policy) != Policy)
        {
            return ActionResult.ReadWriteDenied;
        }

        Policy = policy;
        return ActionResult.Success;
    }

    private ActionResult TransferKeys(CosemData? parameters)
    {
        if (parameters is not CosemData.Array { Items: var items } || items.IsDefault)
        {
            return ActionResult.TypeUnmatched;
        }

        if (items.Length is 0 or > MaxKeysPerTransfer)
        {
            return ActionResult.OtherReason;
        }

        var wrapped = new List<(MeterKeyId Id, ReadOnlyMemory<byte> Wrapped)>(items.Length);
        foreach (var item in items)
        {
            if (item is not CosemData.Structure { Items: [CosemData.Enum keyId, CosemData.OctetString keyWrapped] })
            {
                return ActionResult.TypeUnmatched;
            }

            var id = (MeterKeyId)keyId.Value;
            if (keyId.Value > (byte)MeterKeyId.MasterKey
                || keyWrapped.Value.Length != WrappedKeyLength
                || wrapped.Exists(w => w.Id == id))
            {
                return ActionResult.OtherReason;
            }

            wrapped.Add((id, keyWrapped.Value));
        }

        if (_keys.MasterKey is not { } kek)
        {
            return ActionResult.ReadWriteDenied;
        }

        var unwrapped = new List<(MeterKeyId Id, CipherKey Key)>(wrapped.Count);
        foreach (var (id, bytes) in wrapped)
        {
            try
            {
                unwrapped.Add((id, AesKeyWrap.UnwrapKey(kek, bytes.Span)));
            }
            catch (DlmsException)
            {
                return ActionResult.OtherReason;
            }
        }

        foreach (var id in _keys.Apply(unwrapped))
        {
            _events.Record(id == MeterKeyId.AuthenticationKey ? SecurityEventCodes.HlsKeyChanged : SecurityEventCodes.GlobalKeyChanged);
        }

        return ActionResult.Success;
    }

    private ActionResult ImportCertificate(CosemData? parameters)
    {
        if (parameters is not CosemData.OctetString { Value: var der })
        {
            return ActionResult.TypeUnmatched;
        }

        if (der.Length is 0 or > MaxCertificateLength || HesKeyOf(der) is not { } publicKey)
        {
            return ActionResult.OtherReason;
        }

        var changed = _keys.HesPublicKey is not { } current || !current.Span.SequenceEqual(publicKey);
        if (!_keys.TrySetHesPublicKey(publicKey))
        {
            return ActionResult.OtherReason;
        }

        if (changed)
        {
            _events.Record(SecurityEventCodes.HesPublicKeyChanged);
        }

        return ActionResult.Success;
    }

    /// <summary>The certificate's subject public key as 0x04 ‖ X ‖ Y when it is a P-256 signing key, else null.</summary>
    private static byte[]? HesKeyOf(ReadOnlyMemory<byte> der)
    {
        try
        {
            using var certificate = X509CertificateLoader.LoadCertificate(der.Span);
            if (certificate.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault() is { } usage
                && !usage.KeyUsages.HasFlag(X509KeyUsageFlags.DigitalSignature))
            {
                return null;
            }

            using var key = certificate.GetECDsaPublicKey();
            if (key is null)
            {
                return null;
            }

            var point = EcdsaP256.ExportPublicKey(key);
            return [0x04, .. point];
        }
        catch (Exception e) when (e is CryptographicException or DlmsSecurityException)
        {
            return null;
        }
    }

    private static string? PolicyError(SecurityPolicy policy, SecuritySuite suite)
    {
        if (((byte)policy & ReservedPolicyBits) != 0)
        {
            return "Bits 0 and 1 of security_policy are reserved";
        }

        const SecurityPolicy signing = SecurityPolicy.DigitallySignedRequest | SecurityPolicy.DigitallySignedResponse;
        return suite == SecuritySuite.AesGcm128 && (policy & signing) != 0
            ? "Digital signatures need security suite 1 or 2"
            : null;
    }

    private static CosemData.OctetString TitleData(SystemTitle? title) =>
        new(title is { } value ? value.Encode() : []);
}
