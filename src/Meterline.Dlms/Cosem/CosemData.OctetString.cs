namespace Meterline.Dlms.Cosem;

public abstract partial record CosemData
{
    /// <summary>octet-string (tag 9). Also the usual carrier of a 12-byte date-time and of logical names.</summary>
    public sealed record OctetString(ReadOnlyMemory<byte> Value) : CosemData
    {
        public OctetString(byte[] value)
            : this(new ReadOnlyMemory<byte>(value))
        {
        }

        public override DataTag Tag => DataTag.OctetString;

        /// <summary>An octet-string carrying the 12-byte encoding of a date-time.</summary>
        public static OctetString FromDateTime(CosemDateTime value) => new(value.ToArray());

        /// <summary>Reads the value as a 12-byte date-time when it is one.</summary>
        public bool TryGetDateTime(out CosemDateTime value)
        {
            value = default;
            return Value.Length == CosemDateTime.EncodedLength && CosemDateTime.TryDecode(Value.Span, out value, out _);
        }

        public bool Equals(OctetString? other) =>
            other is not null && Value.Span.SequenceEqual(other.Value.Span);

        public override int GetHashCode()
        {
            var hash = new HashCode();
            hash.AddBytes(Value.Span);
            return hash.ToHashCode();
        }

        public override string ToString() => $"OctetString {Convert.ToHexString(Value.Span)}";
    }
}
