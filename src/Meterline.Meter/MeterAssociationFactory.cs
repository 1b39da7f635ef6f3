using Meterline.Dlms.Acse;
using Meterline.Dlms.Associations;
using Meterline.Dlms.Profiles;
using Meterline.Dlms.Security;
using Meterline.Meter.Security;

namespace Meterline.Meter;

/// <summary>
/// Builds the server association a client SAP reaches, from the profile: mechanism and ciphering from the
/// association's entry, conformance from what its object list lets it do (SET only if it may write something,
/// ACTION only if it may invoke something), the security policy from its Security setup object, and the meter's
/// one sending counter and one guard of client counters, both persisted before use.
/// </summary>
internal sealed class MeterAssociationFactory
{
    private const Conformance ReadingConformance =
        Conformance.Get | Conformance.SelectiveAccess | Conformance.BlockTransferWithGetOrRead | Conformance.MultipleReferences |
        Conformance.Attribute0SupportedWithGet;

    private readonly MeterProfile _profile;
    private readonly MeterKeyStore _keys;
    private readonly SystemTitle _systemTitle;
    private readonly OutgoingInvocationCounter _counter;
    private readonly InvocationCounterGuard _clientCounters;
    private readonly TransactionIdGuard _transactionIds;
    private readonly Func<ProfileAssociation, SecurityPolicy> _policy;
    private readonly Action<SignatureRefusal> _signatureRefused;
    private readonly ushort _maxPduSize;

    public MeterAssociationFactory(
        MeterProfile profile,
        MeterKeyStore keys,
        SystemTitle systemTitle,
        OutgoingInvocationCounter counter,
        InvocationCounterGuard clientCounters,
        TransactionIdGuard transactionIds,
        Func<ProfileAssociation, SecurityPolicy> policy,
        Action<SignatureRefusal> signatureRefused,
        ushort maxPduSize)
    {
        _profile = profile;
        _keys = keys;
        _systemTitle = systemTitle;
        _counter = counter;
        _clientCounters = clientCounters;
        _transactionIds = transactionIds;
        _policy = policy;
        _signatureRefused = signatureRefused;
        _maxPduSize = maxPduSize;
    }

    /// <summary>The association a client SAP reaches, or null when the profile offers none (the APDUs are then dropped).</summary>
    public ServerAssociation? Create(ICosemServer server, int clientSap)
    {
        if (_profile.FindAssociation(clientSap) is not { } association)
        {
            return null;
        }

        var definition = Definition(association);
        var created = new ServerAssociation(definition, KeysFor(definition), server, _clientCounters, _counter, transactionIds: _transactionIds);
        created.SignatureRefused += (_, e) => _signatureRefused(e.Reason);
        return created;
    }

    public ServerAssociationDefinition Definition(ProfileAssociation association)
    {
        var objects = _profile.ObjectListOf(association.Id).ToList();
        var conformance = ReadingConformance;
        if (objects.Any(o => o.Write.Values.Any(w => w.Contains(association.Id, StringComparer.Ordinal))))
        {
            conformance |= Conformance.Set | Conformance.BlockTransferWithSetOrWrite | Conformance.Attribute0SupportedWithSet;
        }

        if (objects.Any(o => o.Methods.Values.Any(m => m.Contains(association.Id, StringComparer.Ordinal))))
        {
            conformance |= Conformance.Action;
        }

        if (association.Ciphered)
        {
            conformance |= Conformance.GeneralProtection | Conformance.DataNotification;
        }

        return new ServerAssociationDefinition
        {
            LogicalName = association.LogicalName,
            ClientSap = association.ClientSap,
            Mechanism = association.Mechanism,
            RequiresCiphering = association.Ciphered,
            SecurityPolicy = association.Ciphered ? _policy(association) : SecurityPolicy.None,
            LlsPassword = association.Mechanism == AuthenticationMechanism.Low ? _keys.LlsSecret ?? ErasedLlsSecret() : null,
            SupportedConformance = conformance,
            ServerMaxReceivePduSize = _maxPduSize,
        };
    }

    private AssociationKeys? KeysFor(ServerAssociationDefinition definition)
    {
        if (!definition.AcceptsCiphering && !definition.IsHighLevelSecurity)
        {
            return null;
        }

        if (_keys.GlobalUnicastEncryptionKey is { } encryption && _keys.AuthenticationKey is { } authentication)
        {
            return new AssociationKeys(_systemTitle, encryption, authentication)
            {
                PeerPublicKey = definition.AcceptsCiphering ? _keys.HesVerificationKey : null,
            };
        }

        // The keys were erased (cover-open tamper). The association still has to answer, so it gets keys that exist
        // nowhere else and are dropped with it: every client fails to authenticate until the meter is re-keyed.
        return new AssociationKeys(_systemTitle, CipherKey.Generate(), CipherKey.Generate());
    }

    /// <summary>A secret nobody knows, for a reader association whose secret was never set.</summary>
    private static LlsPassword ErasedLlsSecret() =>
        LlsPassword.FromBytes(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
}
