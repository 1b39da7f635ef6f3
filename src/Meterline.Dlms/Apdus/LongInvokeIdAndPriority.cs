using System.Buffers.Binary;
using Meterline.Dlms.Axdr;

namespace Meterline.Dlms.Apdus;

/// <summary>
/// The four-byte Long-Invoke-Id-And-Priority of DataNotification and ACCESS APDUs (Green Book ed. 8 §9.5,
/// <c>Long-Invoke-Id-And-Priority ::= BIT STRING (SIZE(32))</c>): bits 0–23 long-invoke-id, bits 24–27 reserved,
/// bit 28 self-descriptive, bit 29 processing-option (1 = break on error), bit 30 service-class (1 = confirmed),
/// bit 31 priority (1 = high). <see cref="Value"/> keeps the value as received, reserved bits included.
/// </summary>
public readonly record struct LongInvokeIdAndPriority(uint Value)
{
    public const int EncodedLength = 4;
    public const uint MaxLongInvokeId = 0x00FF_FFFF;

    private const uint SelfDescriptiveBit = 1u << 28;
    private const uint BreakOnErrorBit = 1u << 29;
    private const uint ConfirmedBit = 1u << 30;
    private const uint HighPriorityBit = 1u << 31;

    /// <exception cref="ArgumentOutOfRangeException"><paramref name="longInvokeId"/> does not fit 24 bits.</exception>
    public LongInvokeIdAndPriority(uint longInvokeId, bool confirmed, bool highPriority, bool selfDescriptive = false, bool breakOnError = false)
        : this(Compose(longInvokeId, confirmed, highPriority, selfDescriptive, breakOnError))
    {
    }

    public uint LongInvokeId => Value & MaxLongInvokeId;

    public bool IsSelfDescriptive => (Value & SelfDescriptiveBit) != 0;

    /// <summary>processing-option: stop at the first error rather than continue.</summary>
    public bool BreakOnError => (Value & BreakOnErrorBit) != 0;

    /// <summary>service-class: the notification expects a response.</summary>
    public bool IsConfirmed => (Value & ConfirmedBit) != 0;

    /// <summary>priority: high rather than normal.</summary>
    public bool IsHighPriority => (Value & HighPriorityBit) != 0;

    public static bool TryDecode(ReadOnlySpan<byte> source, out LongInvokeIdAndPriority value, out int bytesConsumed)
    {
        if (source.Length < EncodedLength)
        {
            value = default;
            bytesConsumed = 0;
            return false;
        }

        value = new LongInvokeIdAndPriority(BinaryPrimitives.ReadUInt32BigEndian(source));
        bytesConsumed = EncodedLength;
        return true;
    }

    /// <exception cref="DlmsFormatException">Fewer than four bytes are present.</exception>
    public static LongInvokeIdAndPriority Decode(ReadOnlySpan<byte> source, out int bytesConsumed) =>
        TryDecode(source, out var value, out bytesConsumed)
            ? value
            : throw new DlmsFormatException(DlmsErrorReason.Truncated, source.Length, $"Long-Invoke-Id-And-Priority is {EncodedLength} bytes, {source.Length} present");

    public int GetEncodedLength() => EncodedLength;

    public bool TryEncode(Span<byte> destination, out int bytesWritten)
    {
        if (destination.Length < EncodedLength)
        {
            bytesWritten = 0;
            return false;
        }

        BinaryPrimitives.WriteUInt32BigEndian(destination, Value);
        bytesWritten = EncodedLength;
        return true;
    }

    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than four bytes.</exception>
    public int Encode(Span<byte> destination) =>
        TryEncode(destination, out var written)
            ? written
            : throw new ArgumentException($"Long-Invoke-Id-And-Priority needs {EncodedLength} bytes", nameof(destination));

    public override string ToString() => System.FormattableString.Invariant(
        $"long-invoke-id {LongInvokeId}, {(IsConfirmed ? "confirmed" : "unconfirmed")}, {(IsHighPriority ? "high" : "normal")} priority{(IsSelfDescriptive ? ", self-descriptive" : string.Empty)}{(BreakOnError ? ", break on error" : string.Empty)}");

    internal static LongInvokeIdAndPriority Read(ref AxdrReader reader) => new(reader.ReadUInt32());

    internal void Write(AxdrWriter writer) => writer.WriteUInt32(Value);

    private static uint Compose(uint longInvokeId, bool confirmed, bool highPriority, bool selfDescriptive, bool breakOnError)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(longInvokeId, MaxLongInvokeId);
        return longInvokeId
            | (selfDescriptive ? SelfDescriptiveBit : 0)
            | (breakOnError ? BreakOnErrorBit : 0)
            | (confirmed ? ConfirmedBit : 0)
            | (highPriority ? HighPriorityBit : 0);
    }
}
