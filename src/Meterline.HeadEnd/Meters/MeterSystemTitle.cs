using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Meterline.HeadEnd.Meters;

/// <summary>
/// A meter's DLMS system title (Green Book 9.2.4.8.3: three-letter manufacturer id and a five-byte serial), held as
/// the eight bytes read big-endian into one number so that it is cheap to compare, hash and store.
/// </summary>
public readonly record struct MeterSystemTitle(ulong Value)
{
    public const int Length = 8;

    public static MeterSystemTitle FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Length)
        {
            throw new ArgumentException($"A system title is {Length} bytes, not {bytes.Length}.", nameof(bytes));
        }

        return new MeterSystemTitle(BinaryPrimitives.ReadUInt64BigEndian(bytes));
    }

    public byte[] ToBytes()
    {
        var bytes = new byte[Length];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, Value);
        return bytes;
    }

    /// <summary>Parses sixteen hexadecimal digits.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out MeterSystemTitle title)
    {
        title = default;
        if (text is null || text.Length != 2 * Length || !ulong.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }

        title = new MeterSystemTitle(value);
        return true;
    }

    public static MeterSystemTitle Parse(string text) =>
        TryParse(text, out var title) ? title : throw new FormatException("A system title is sixteen hexadecimal digits.");

    /// <summary>The three-letter manufacturer id (FLAG id) of the first three bytes.</summary>
    public string Manufacturer
    {
        get
        {
            Span<byte> bytes = stackalloc byte[Length];
            BinaryPrimitives.WriteUInt64BigEndian(bytes, Value);
            return System.Text.Encoding.ASCII.GetString(bytes[..3]);
        }
    }

    public override string ToString() => Value.ToString("X16", CultureInfo.InvariantCulture);
}
