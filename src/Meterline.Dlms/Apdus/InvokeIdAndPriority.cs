using Meterline.Dlms.Axdr;

namespace Meterline.Dlms.Apdus;

/// <summary>
/// The one-byte Invoke-Id-And-Priority of GET, SET and ACTION APDUs (Green Book ed. 8 §9.5, <c>Invoke-Id-And-Priority
/// ::= BIT STRING (SIZE(8))</c>): bits 0–3 invoke-id, bits 4–5 reserved, bit 6 service-class (1 = confirmed), bit 7
/// priority (1 = high). <see cref="Value"/> keeps the byte as received, reserved bits included.
/// </summary>
public readonly record struct InvokeIdAndPriority(byte Value)
{
    public const int EncodedLength = 1;
    public const byte MaxInvokeId = 0x0F;

    private const byte ConfirmedBit = 0x40;
    private const byte HighPriorityBit = 0x80;

    /// <exception cref="ArgumentOutOfRangeException"><paramref name="invokeId"/> is above 15.</exception>
    public InvokeIdAndPriority(byte invokeId, bool confirmed, bool highPriority)
        : this(Compose(invokeId, confirmed, highPriority))
    {
    }

    public byte InvokeId => (byte)(Value & MaxInvokeId);

    /// <summary>service-class: the request expects a response.</summary>
    public bool IsConfirmed => (Value & ConfirmedBit) != 0;

    /// <summary>priority: high rather than normal.</summary>
    public bool IsHighPriority => (Value & HighPriorityBit) != 0;

    public static bool TryDecode(ReadOnlySpan<byte> source, out InvokeIdAndPriority value, out int bytesConsumed)
    {
        if (source.IsEmpty)
        {
            value = default;
            bytesConsumed = 0;
            return false;
        }

        value = new InvokeIdAndPriority(source[0]);
        bytesConsumed = EncodedLength;
        return true;
    }

    /// <exception cref="DlmsFormatException"><paramref name="source"/> is empty.</exception>
    public static InvokeIdAndPriority Decode(ReadOnlySpan<byte> source, out int bytesConsumed) =>
        TryDecode(source, out var value, out bytesConsumed)
            ? value
            : throw new DlmsFormatException(DlmsErrorReason.Truncated, 0, "Invoke-Id-And-Priority is missing");

    public int GetEncodedLength() => EncodedLength;

    public bool TryEncode(Span<byte> destination, out int bytesWritten)
    {
        if (destination.IsEmpty)
        {
            bytesWritten = 0;
            return false;
        }

        destination[0] = Value;
        bytesWritten = EncodedLength;
        return true;
    }

    /// <exception cref="ArgumentException"><paramref name="destination"/> is empty.</exception>
    public int Encode(Span<byte> destination) =>
        TryEncode(destination, out var written)
            ? written
            : throw new ArgumentException("Invoke-Id-And-Priority needs one byte", nameof(destination));

    public override string ToString() => System.FormattableString.Invariant(
        $"invoke-id {InvokeId}, {(IsConfirmed ? "confirmed" : "unconfirmed")}, {(IsHighPriority ? "high" : "normal")} priority");

    internal static InvokeIdAndPriority Read(ref AxdrReader reader) => new(reader.ReadByte());

    internal void Write(AxdrWriter writer) => writer.WriteByte(Value);

    private static byte Compose(byte invokeId, bool confirmed, bool highPriority)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(invokeId, MaxInvokeId);
        return (byte)(invokeId | (confirmed ? ConfirmedBit : 0) | (highPriority ? HighPriorityBit : 0));
    }
}
