using System.Buffers.Binary;
using Meterline.Dlms;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Links;
using Meterline.Dlms.Security;
using Meterline.HeadEnd.Keys;

namespace Meterline.HeadEnd.Dlms.Commands;

/// <summary>
/// Signs the head-end's ciphered SET and ACTION requests (glo-set-request, glo-action-request) with the head-end's key
/// through <see cref="IHesSigner"/> — in process, or in a PKCS#11 token — by wrapping each in general-signing (Green
/// Book 9.2.7.2.5), the signature outside the ciphering:
/// <list type="bullet">
/// <item>content: the ciphered request, as general-glo-ciphering with the head-end's system title when
/// <c>generalGlo</c> (what <see cref="GeneralGloCipheringLink"/> would send), else as it came;</item>
/// <item>transaction-id: 8 octets, the key generation (4, big-endian) then the ciphered content's invocation counter
/// (4, big-endian). Counters are reserved durably per (meter, generation) and a new generation is a higher number, so
/// the meter sees transaction-ids strictly increasing across sessions, restarts and key rotations;</item>
/// <item>originator: the head-end's system title; recipient: the meter's; date-time and other-information empty;</item>
/// <item>signature: ECDSA P-256 / SHA-256, r ‖ s, over <see cref="GeneralSigning.GetSignedData"/>.</item>
/// </list>
/// GET requests, the AARQ, the HLS reply (reply_to_HLS_authentication, the first ACTION after an AARQ, which HLS-GMAC
/// authenticates already) and the RLRQ pass unchanged, so a meter that cannot or will not verify the head-end's
/// signature still associates and refuses the signed command itself, as an answer. Responses are untouched: a meter
/// without a signing key of its own answers a signed request ciphered and unsigned. A signer that fails makes the send
/// fail with <see cref="DlmsSecurityException"/>. Sends are made one at a time (the DLMS client awaits each answer).
/// </summary>
internal sealed class GeneralSigningLink(IApduLink inner, IHesSigner signer, SystemTitle originator, SystemTitle recipient, uint keyGeneration, bool generalGlo)
    : IApduLink
{
    private const byte GloSetRequest = 0xC9;
    private const byte GloActionRequest = 0xCB;
    private const byte Aarq = 0x60;
    private bool _hlsReplyNext;

    public Task Completion => inner.Completion;

    /// <summary>The transaction-id of a request ciphered with <paramref name="invocationCounter"/> under <paramref name="generation"/>.</summary>
    public static byte[] TransactionId(uint generation, uint invocationCounter)
    {
        var id = new byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(id, generation);
        BinaryPrimitives.WriteUInt32BigEndian(id.AsSpan(4), invocationCounter);
        return id;
    }

    public async ValueTask SendAsync(ReadOnlyMemory<byte> apdu, CancellationToken cancellationToken = default)
    {
        var tag = apdu.Length > 0 ? apdu.Span[0] : (byte)0;
        var hlsReply = _hlsReplyNext && tag == GloActionRequest;
        _hlsReplyNext = tag == Aarq || (_hlsReplyNext && tag != GloActionRequest);
        if (!hlsReply && tag is GloSetRequest or GloActionRequest
            && ApduCodec.Decode(apdu.Span) is CipheredApdu { IsDedicated: false } ciphered
            && SecurityHeader.TryDecode(ciphered.CipheredContent.Span, out var header, out _))
        {
            var content = generalGlo ? new GeneralGloCiphering(originator, ciphered.CipheredContent).ToArray() : apdu;
            var unsigned = new GeneralSigning(
                TransactionId(keyGeneration, header.InvocationCounter), originator, recipient, default, default, content, default);
            var signature = await SignAsync(unsigned.GetSignedData(), cancellationToken).ConfigureAwait(false);
            var signed = new GeneralSigning(
                unsigned.TransactionId, originator, recipient, default, default, content, signature);
            await inner.SendAsync(signed.ToArray(), cancellationToken).ConfigureAwait(false);
            return;
        }

        await inner.SendAsync(apdu, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask<ReadOnlyMemory<byte>> ReceiveAsync(CancellationToken cancellationToken = default) => inner.ReceiveAsync(cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    private async Task<byte[]> SignAsync(byte[] data, CancellationToken cancellationToken)
    {
        byte[] signature;
        try
        {
            signature = await signer.SignAsync(data, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new DlmsSecurityException(DlmsErrorReason.InvalidKey, $"The head-end's signing key could not sign the request ({signer})", e);
        }

        return signature.Length == EcdsaP256.SignatureLength
            ? signature
            : throw new DlmsSecurityException(DlmsErrorReason.InvalidKey, $"The head-end's signing key gave a signature of {signature.Length} bytes, not r ‖ s of 64");
    }
}
