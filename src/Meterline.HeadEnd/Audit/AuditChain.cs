using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Meterline.HeadEnd.Audit;

/// <summary>
/// The audit log's hash chain. An entry's canonical encoding is
/// <c>sequence (int64) ‖ at.UtcTicks (int64) ‖ len ‖ actor ‖ len ‖ action ‖ len ‖ subject ‖ len ‖ detail ‖ previous hash (32)</c>,
/// integers big-endian, each text as a 32-bit big-endian byte length and its UTF-8 bytes (strict: a string with a lone
/// surrogate is refused); its hash is SHA-256 of that encoding. The first entry's previous hash is 32 zero bytes.
/// </summary>
public static class AuditChain
{
    public const int MaxActorLength = 256;
    public const int MaxActionLength = 128;
    public const int MaxSubjectLength = 256;
    public const int MaxDetailLength = 64 * 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The previous hash of the first entry: 32 zero bytes.</summary>
    public static ReadOnlyMemory<byte> Genesis { get; } = new byte[AuditRecord.HashLength];

    /// <summary>The canonical encoding of an entry's fields and the previous hash.</summary>
    public static byte[] Encode(long sequence, DateTimeOffset at, string actor, string action, string subject, string detail, ReadOnlySpan<byte> previousHash)
    {
        Validate(actor, action, subject, detail, previousHash);
        var length = GetEncodedLength(actor, action, subject, detail);
        var bytes = new byte[length];
        Write(bytes, sequence, at, actor, action, subject, detail, previousHash);
        return bytes;
    }

    /// <summary>SHA-256 of the canonical encoding.</summary>
    public static byte[] ComputeHash(long sequence, DateTimeOffset at, string actor, string action, string subject, string detail, ReadOnlySpan<byte> previousHash)
    {
        Validate(actor, action, subject, detail, previousHash);
        var length = GetEncodedLength(actor, action, subject, detail);
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            Write(buffer.AsSpan(0, length), sequence, at, actor, action, subject, detail, previousHash);
            return SHA256.HashData(buffer.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The hash an entry should carry, from its fields and its previous hash (its own <see cref="AuditRecord.Hash"/> is ignored).</summary>
    public static byte[] ComputeHash(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return ComputeHash(record.Sequence, record.At, record.Actor, record.Action, record.Subject, record.Detail, record.PreviousHash.Span);
    }

    /// <summary>The entry that follows <paramref name="previous"/> (null for the first entry), hashed.</summary>
    public static AuditRecord Next(AuditRecord? previous, DateTimeOffset at, string actor, string action, string subject, string detail)
    {
        var sequence = previous is null ? 1 : checked(previous.Sequence + 1);
        var previousHash = previous?.Hash ?? Genesis;
        if (previousHash.Length != AuditRecord.HashLength)
        {
            throw new InvalidDataException($"Audit entry {previous!.Sequence} has a hash of {previousHash.Length} bytes, not {AuditRecord.HashLength}.");
        }

        var hash = ComputeHash(sequence, at, actor, action, subject, detail, previousHash.Span);
        return new AuditRecord(sequence, at, actor, action, subject, detail, previousHash.ToArray(), hash);
    }

    private static void Validate(string actor, string action, string subject, string detail, ReadOnlySpan<byte> previousHash)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(detail);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(actor.Length, MaxActorLength, nameof(actor));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(action.Length, MaxActionLength, nameof(action));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(subject.Length, MaxSubjectLength, nameof(subject));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(detail.Length, MaxDetailLength, nameof(detail));
        if (previousHash.Length != AuditRecord.HashLength)
        {
            throw new ArgumentException($"A previous hash is {AuditRecord.HashLength} bytes.", nameof(previousHash));
        }
    }

    private static int GetEncodedLength(string actor, string action, string subject, string detail)
    {
        try
        {
            return 2 * sizeof(long) + 4 * sizeof(int) + StrictUtf8.GetByteCount(actor) + StrictUtf8.GetByteCount(action) +
                StrictUtf8.GetByteCount(subject) + StrictUtf8.GetByteCount(detail) + AuditRecord.HashLength;
        }
        catch (EncoderFallbackException e)
        {
            throw new ArgumentException("An audit field is not valid Unicode text (a lone surrogate).", e);
        }
    }

    private static void Write(Span<byte> destination, long sequence, DateTimeOffset at, string actor, string action, string subject, string detail, ReadOnlySpan<byte> previousHash)
    {
        BinaryPrimitives.WriteInt64BigEndian(destination, sequence);
        BinaryPrimitives.WriteInt64BigEndian(destination[8..], at.UtcTicks);
        var offset = 16;
        foreach (var text in (ReadOnlySpan<string>)[actor, action, subject, detail])
        {
            var written = StrictUtf8.GetBytes(text, destination[(offset + 4)..]);
            BinaryPrimitives.WriteInt32BigEndian(destination[offset..], written);
            offset += 4 + written;
        }

        previousHash.CopyTo(destination[offset..]);
    }
}
