using System.Buffers.Binary;
using System.Security.Cryptography;
using Meterline.Dlms.Acse;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Cosem;
using Meterline.Dlms.Security;

namespace Meterline.Dlms.Associations.Server;

/// <summary>
/// Passes 3 and 4 of high level security at the server (Green Book 9.2.2.2.3 and 9.2.7.4, Table 42): the AARE
/// carried a fresh challenge StoC; the client proves itself with reply_to_HLS_authentication (Association LN,
/// interface class 15, method 1) carrying f(StoC), and on success the server answers f(CtoS). Mechanism 5 is GMAC
/// with the global unicast encryption key (the client's invocation counter in f(StoC) is checked for replay like
/// any other); mechanism 7 is ECDSA P-256 with the client's public key. Challenges are zeroed once used.
/// </summary>
internal sealed class ServerHlsAuthentication : IDisposable
{
    /// <summary>Association LN (Blue Book 4.4.3).</summary>
    public const ushort AssociationLnClassId = 15;

    /// <summary>reply_to_HLS_authentication.</summary>
    public const sbyte ReplyToHlsAuthentication = 1;

    private readonly AuthenticationMechanism _mechanism;
    private readonly byte[] _clientChallenge;
    private readonly byte[] _serverChallenge;

    public ServerHlsAuthentication(AuthenticationMechanism mechanism, ReadOnlySpan<byte> clientChallenge)
    {
        _mechanism = mechanism;
        _clientChallenge = clientChallenge.ToArray();
        _serverChallenge = HlsChallenge.Generate();
    }

    /// <summary>StoC, for the responding-authentication-value of the AARE.</summary>
    public ReadOnlySpan<byte> ServerChallenge => _serverChallenge;

    /// <summary>True when <paramref name="method"/> is reply_to_HLS_authentication of the current association or of <paramref name="ownLogicalName"/>.</summary>
    public static bool IsReply(CosemMethodDescriptor method, ObisCode ownLogicalName) =>
        method.ClassId == AssociationLnClassId && method.MethodId == ReplyToHlsAuthentication &&
        (method.InstanceId == ObisCode.CurrentAssociation || method.InstanceId == ownLogicalName);

    /// <summary>
    /// Answers reply_to_HLS_authentication: checks the client's f(StoC) (an octet-string parameter) and returns
    /// success with f(CtoS), read-write-denied when the proof does not verify or its request was protected more
    /// weakly than the policy requires (Blue Book 4.4.3: the association is then not established), or
    /// temporary-failure when the server's own invocation counter is exhausted.
    /// </summary>
    public ActionResponseNormal Reply(
        ActionRequestNormal action,
        bool policyMet,
        ServerInboundMessage request,
        ServerSecurityLayer security,
        AssociationKeys keys,
        SystemTitle client)
    {
        var (result, proof) = !policyMet || action.MethodInvocationParameters is not CosemData.OctetString { Value: var value }
            ? (ActionResult.ReadWriteDenied, null)
            : _mechanism == AuthenticationMechanism.HighGmac
                ? VerifyGmac(value.Span, request, security, client)
                : VerifyEcdsa(value.Span, keys, client);
        var returned = proof is null ? null : new GetDataResult(new CosemData.OctetString(proof));
        return new ActionResponseNormal(action.InvokeIdAndPriority, new ActionResponseWithOptionalData(result, returned));
    }

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_clientChallenge);
        CryptographicOperations.ZeroMemory(_serverChallenge);
    }

    private (ActionResult Result, byte[]? Response) VerifyGmac(
        ReadOnlySpan<byte> proof,
        ServerInboundMessage request,
        ServerSecurityLayer security,
        SystemTitle client)
    {
        // f(StoC) = SC ‖ IC ‖ GMAC tag: the client's counter is checked before the tag and recorded after it.
        if (proof.Length != HlsGmac.ResponseLength ||
            !IsFresh(BinaryPrimitives.ReadUInt32BigEndian(proof[1..]), request, security, client) ||
            !HlsGmac.TryVerifyResponse(security.GlobalCipher, client, _serverChallenge, proof, out var clientCounter))
        {
            return (ActionResult.ReadWriteDenied, null);
        }

        // Moves the guard when f(StoC) used a later counter than its request; otherwise the request's already did.
        security.ClientCounters.TryAccept(client, KeyId.GlobalUnicastEncryptionKey, clientCounter);
        return security.ServerCounter.TryAllocate(out var serverCounter)
            ? (ActionResult.Success, HlsGmac.ComputeResponse(security.GlobalCipher, security.ServerSystemTitle, serverCounter, _clientChallenge))
            : (ActionResult.TemporaryFailure, null);
    }

    /// <summary>
    /// A client computes f(StoC) with one counter and then ciphers the ACTION carrying it with the next, so by the
    /// time f(StoC) is checked the request's counter is already recorded. Its counter must then be later than what
    /// was accepted before the request, and not the request's own (the same IV twice under one key).
    /// </summary>
    private static bool IsFresh(uint counter, ServerInboundMessage request, ServerSecurityLayer security, SystemTitle client) =>
        request.GlobalCounter is { } used
            ? counter != used && (request.GlobalCounterBefore is not { } before || counter > before)
            : security.ClientCounters.IsFresh(client, KeyId.GlobalUnicastEncryptionKey, counter);

    private (ActionResult Result, byte[]? Response) VerifyEcdsa(ReadOnlySpan<byte> proof, AssociationKeys keys, SystemTitle client)
    {
        if (!HlsEcdsa.VerifyClientProof(keys.PeerPublicKey!, client, keys.SystemTitle, _serverChallenge, _clientChallenge, proof))
        {
            return (ActionResult.ReadWriteDenied, null);
        }

        return (ActionResult.Success, HlsEcdsa.ComputeServerProof(keys.SigningKey!, keys.SystemTitle, client, _clientChallenge, _serverChallenge));
    }
}
