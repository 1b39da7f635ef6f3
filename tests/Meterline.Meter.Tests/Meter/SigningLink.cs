using System.Buffers.Binary;
using System.Security.Cryptography;
using Meterline.Dlms.Links;
using Meterline.Dlms.Security;

namespace Meterline.Meter.Tests.Meter;

/// <summary>
/// A client link that signs the client's ciphered SET and ACTION requests (glo-set-request, glo-action-request) with
/// general-signing, outside the ciphering, as a head-end does: transaction-ids 1, 2, 3, … (8 octets) unless
/// <see cref="TransactionId"/> says otherwise, originator the client's system title, recipient the meter's. The HLS
/// reply (the first ACTION after an AARQ) goes unsigned. With <see cref="TamperSignature"/> the last octet of each
/// signature is flipped on the way out.
/// </summary>
internal sealed class SigningLink(IApduLink inner, ECDsa key, SystemTitle originator, SystemTitle recipient) : IApduLink
{
    private const byte GloSetRequest = 0xC9;
    private const byte GloActionRequest = 0xCB;
    private const byte Aarq = 0x60;
    private ulong _next = 1;
    private bool _hlsReplyNext;

    public Task Completion => inner.Completion;

    /// <summary>Makes each request's transaction-id; the default numbers them from 1.</summary>
    public Func<ulong>? TransactionId { get; set; }

    public bool TamperSignature { get; set; }

    /// <summary>The signed APDUs sent, in order.</summary>
    public List<byte[]> Signed { get; } = [];

    public ValueTask SendAsync(ReadOnlyMemory<byte> apdu, CancellationToken cancellationToken = default)
    {
        if (apdu.Length > 0 && apdu.Span[0] == Aarq)
        {
            _hlsReplyNext = true;
        }

        if (apdu.Length == 0 || apdu.Span[0] is not (GloSetRequest or GloActionRequest) || (_hlsReplyNext && apdu.Span[0] == GloActionRequest))
        {
            _hlsReplyNext &= apdu.Length == 0 || apdu.Span[0] != GloActionRequest;
            return inner.SendAsync(apdu, cancellationToken);
        }

        var id = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(id, TransactionId?.Invoke() ?? _next++);
        var bytes = GeneralSigning.Sign(key, id, originator, recipient, default, default, apdu).ToArray();
        if (TamperSignature)
        {
            bytes[^1] ^= 0x01;
        }

        lock (Signed)
        {
            Signed.Add(bytes);
        }

        return inner.SendAsync(bytes, cancellationToken);
    }

    public ValueTask<ReadOnlyMemory<byte>> ReceiveAsync(CancellationToken cancellationToken = default) => inner.ReceiveAsync(cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
