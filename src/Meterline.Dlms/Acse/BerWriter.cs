using System.Buffers;
using Meterline.Dlms.Axdr;

namespace Meterline.Dlms.Acse;

/// <summary>
/// Writes BER (ITU-T X.690) elements with definite lengths in their shortest form to an
/// <see cref="IBufferWriter{T}"/>. A constructed element's content is either encoded first (see
/// <see cref="WriteConstructed"/>) or its length is computed with <see cref="GetEncodedLength"/>.
/// </summary>
public readonly ref struct BerWriter
{
    private readonly IBufferWriter<byte> _output;

    public BerWriter(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
    }

    public IBufferWriter<byte> Output => _output;

    public void WriteTag(BerTag tag)
    {
        var written = tag.Encode(_output.GetSpan(tag.GetEncodedLength()));
        _output.Advance(written);
    }

    /// <summary>
    /// Writes a definite length: one octet below 0x80, else 0x80 | n and n big-endian octets. This is also the
    /// A-XDR length encoding, so the A-XDR writer does the work.
    /// </summary>
    public void WriteLength(int length) => new AxdrWriter(_output).WriteLength(length);

    /// <summary>Writes content octets after a header written by <see cref="WriteHeader"/>.</summary>
    public void WriteBytes(ReadOnlySpan<byte> content) => _output.Write(content);

    /// <summary>Writes an identifier and the length of the content that the caller writes next.</summary>
    public void WriteHeader(BerTag tag, int contentLength)
    {
        WriteTag(tag);
        WriteLength(contentLength);
    }

    public void WritePrimitive(BerTag tag, ReadOnlySpan<byte> content)
    {
        if (tag.IsConstructed)
        {
            throw new ArgumentException("Tag must be primitive", nameof(tag));
        }

        WriteHeader(tag, content.Length);
        _output.Write(content);
    }

    /// <summary>Writes a constructed element around already encoded elements.</summary>
    public void WriteConstructed(BerTag tag, ReadOnlySpan<byte> encodedContent)
    {
        if (!tag.IsConstructed)
        {
            throw new ArgumentException("Tag must be constructed", nameof(tag));
        }

        WriteHeader(tag, encodedContent.Length);
        _output.Write(encodedContent);
    }

    /// <summary>Writes an INTEGER-encoded element in minimal two's complement form (X.690 §8.3).</summary>
    public void WriteInteger(BerTag tag, int value)
    {
        Span<byte> content = stackalloc byte[4];
        var length = EncodeInteger(value, content);
        WritePrimitive(tag, content[..length]);
    }

    /// <summary>Octets taken by a definite length.</summary>
    public static int GetLengthSize(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        return AxdrWriter.GetLengthSize(length);
    }

    /// <summary>Octets taken by a whole element: identifier, length and content.</summary>
    public static int GetEncodedLength(BerTag tag, int contentLength) =>
        tag.GetEncodedLength() + GetLengthSize(contentLength) + contentLength;

    /// <summary>Content octets of the minimal INTEGER encoding of <paramref name="value"/>.</summary>
    public static int GetIntegerLength(int value)
    {
        var length = 4;
        while (length > 1)
        {
            // Drop a leading octet while it only repeats the sign of the next one.
            var top = (value >> ((length - 1) * 8)) & 0xFF;
            var nextSign = (value >> (((length - 1) * 8) - 1)) & 1;
            if ((top == 0x00 && nextSign == 0) || (top == 0xFF && nextSign == 1))
            {
                length--;
            }
            else
            {
                break;
            }
        }

        return length;
    }

    private static int EncodeInteger(int value, Span<byte> destination)
    {
        var length = GetIntegerLength(value);
        for (var i = length - 1; i >= 0; i--)
        {
            destination[i] = (byte)value;
            value >>= 8;
        }

        return length;
    }
}
