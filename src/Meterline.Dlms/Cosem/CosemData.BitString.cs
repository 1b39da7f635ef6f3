using System.Text;

namespace Meterline.Dlms.Cosem;

public abstract partial record CosemData
{
    /// <summary>
    /// bit-string (tag 4): <see cref="BitLength"/> bits, bit 0 the most significant bit of the first byte. The
    /// unused low bits of the last byte are carried as received.
    /// </summary>
    public sealed record BitString : CosemData
    {
        public BitString(ReadOnlyMemory<byte> bytes, int bitLength)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(bitLength);
            if (bytes.Length != (bitLength + 7) / 8)
            {
                throw new ArgumentException($"{bitLength} bits need {(bitLength + 7) / 8} bytes, not {bytes.Length}", nameof(bytes));
            }

            Bytes = bytes;
            BitLength = bitLength;
        }

        public ReadOnlyMemory<byte> Bytes { get; }

        public int BitLength { get; }

        public override DataTag Tag => DataTag.BitString;

        /// <summary>Bit <paramref name="index"/>, counting from the most significant bit of the first byte.</summary>
        public bool this[int index]
        {
            get
            {
                ArgumentOutOfRangeException.ThrowIfNegative(index);
                ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, BitLength);
                return (Bytes.Span[index >> 3] & (0x80 >> (index & 7))) != 0;
            }
        }

        /// <summary>Builds a bit-string from individual bits, bit 0 first.</summary>
        public static BitString FromBits(ReadOnlySpan<bool> bits)
        {
            var bytes = new byte[(bits.Length + 7) / 8];
            for (var i = 0; i < bits.Length; i++)
            {
                if (bits[i])
                {
                    bytes[i >> 3] |= (byte)(0x80 >> (i & 7));
                }
            }

            return new BitString(bytes, bits.Length);
        }

        public bool Equals(BitString? other) =>
            other is not null && BitLength == other.BitLength && Bytes.Span.SequenceEqual(other.Bytes.Span);

        public override int GetHashCode()
        {
            var hash = new HashCode();
            hash.Add(BitLength);
            hash.AddBytes(Bytes.Span);
            return hash.ToHashCode();
        }

        public override string ToString()
        {
            var text = new StringBuilder("BitString ", 10 + BitLength);
            for (var i = 0; i < BitLength; i++)
            {
                text.Append(this[i] ? '1' : '0');
            }

            return text.ToString();
        }
    }
}
