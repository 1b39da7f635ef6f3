using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Meterline.Dlms.Axdr;

namespace Meterline.Dlms.Cosem;

/// <summary>
/// An OBIS code (IEC 62056-6-1 §4): the six value groups A–F that name a COSEM object. On the wire it is the
/// 6-byte logical name (Blue Book 4.1.8.2, <c>Cosem-Object-Instance-Id ::= OCTET STRING (SIZE(6))</c>). As text it
/// is written either dotted (<c>1.0.1.8.0.255</c>, <see cref="ToString()"/>) or in the IEC 62056-6-1 reduced form
/// (<c>1-0:1.8.0*255</c>, <see cref="ToIecString"/>); <see cref="Parse(string)"/> reads both.
/// </summary>
public readonly record struct ObisCode(byte A, byte B, byte C, byte D, byte E, byte F)
    : ISpanFormattable, ISpanParsable<ObisCode>
{
    /// <summary>Bytes on the wire.</summary>
    public const int EncodedLength = 6;

    /// <summary>Format string for the dotted form (the default).</summary>
    public const string DottedFormat = "D";

    /// <summary>Format string for the IEC 62056-6-1 form <c>A-B:C.D.E*F</c>.</summary>
    public const string IecFormat = "I";

    private const int MaxTextLength = 23; // "255-255:255.255.255*255"

    /// <summary>The Clock object, 0.0.1.0.0.255 (Blue Book, class 8).</summary>
    public static ObisCode Clock { get; } = new(0, 0, 1, 0, 0, 255);

    /// <summary>The current association, 0.0.40.0.0.255 (Blue Book, class 15 Association LN).</summary>
    public static ObisCode CurrentAssociation { get; } = new(0, 0, 40, 0, 0, 255);

    public static bool TryDecode(ReadOnlySpan<byte> source, out ObisCode value, out int bytesConsumed)
    {
        if (source.Length < EncodedLength)
        {
            value = default;
            bytesConsumed = 0;
            return false;
        }

        value = new ObisCode(source[0], source[1], source[2], source[3], source[4], source[5]);
        bytesConsumed = EncodedLength;
        return true;
    }

    /// <summary>Decodes the first six bytes of <paramref name="source"/>.</summary>
    /// <exception cref="DlmsFormatException">Fewer than six bytes are present.</exception>
    public static ObisCode Decode(ReadOnlySpan<byte> source, out int bytesConsumed) =>
        TryDecode(source, out var value, out bytesConsumed)
            ? value
            : throw new DlmsFormatException(DlmsErrorReason.Truncated, source.Length, $"An OBIS code is {EncodedLength} bytes, {source.Length} present");

    public int GetEncodedLength() => EncodedLength;

    public bool TryEncode(Span<byte> destination, out int bytesWritten)
    {
        if (destination.Length < EncodedLength)
        {
            bytesWritten = 0;
            return false;
        }

        destination[0] = A;
        destination[1] = B;
        destination[2] = C;
        destination[3] = D;
        destination[4] = E;
        destination[5] = F;
        bytesWritten = EncodedLength;
        return true;
    }

    /// <summary>Writes the six bytes and returns how many were written.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than six bytes.</exception>
    public int Encode(Span<byte> destination) =>
        TryEncode(destination, out var written)
            ? written
            : throw new ArgumentException($"An OBIS code needs {EncodedLength} bytes", nameof(destination));

    /// <summary>The six bytes, as carried in a logical_name octet-string.</summary>
    public byte[] ToArray()
    {
        var bytes = new byte[EncodedLength];
        TryEncode(bytes, out _);
        return bytes;
    }

    /// <summary>Parses <c>A.B.C.D.E.F</c> or <c>A-B:C.D.E*F</c> (each group a decimal 0–255).</summary>
    /// <exception cref="FormatException">The text is neither form; the message says what is wrong.</exception>
    public static ObisCode Parse(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return Parse(s.AsSpan());
    }

    /// <inheritdoc cref="Parse(string)"/>
    public static ObisCode Parse(ReadOnlySpan<char> s) =>
        ParseCore(s, out var value) is { } error ? throw new FormatException(error) : value;

    public static bool TryParse([NotNullWhen(true)] string? s, out ObisCode result)
    {
        result = default;
        return s is not null && TryParse(s.AsSpan(), out result);
    }

    public static bool TryParse(ReadOnlySpan<char> s, out ObisCode result) => ParseCore(s, out result) is null;

    static ObisCode IParsable<ObisCode>.Parse(string s, IFormatProvider? provider) => Parse(s);

    static bool IParsable<ObisCode>.TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out ObisCode result) =>
        TryParse(s, out result);

    static ObisCode ISpanParsable<ObisCode>.Parse(ReadOnlySpan<char> s, IFormatProvider? provider) => Parse(s);

    static bool ISpanParsable<ObisCode>.TryParse(ReadOnlySpan<char> s, IFormatProvider? provider, out ObisCode result) =>
        TryParse(s, out result);

    /// <summary>The dotted form, e.g. <c>1.0.1.8.0.255</c>.</summary>
    public override string ToString() => ToString(DottedFormat, null);

    /// <summary>The IEC 62056-6-1 form, e.g. <c>1-0:1.8.0*255</c>.</summary>
    public string ToIecString() => ToString(IecFormat, null);

    /// <summary>Formats as <see cref="DottedFormat"/> ("D", the default) or <see cref="IecFormat"/> ("I").</summary>
    public string ToString(string? format, IFormatProvider? formatProvider)
    {
        Span<char> buffer = stackalloc char[MaxTextLength];
        TryFormat(buffer, out var written, format, formatProvider);
        return new string(buffer[..written]);
    }

    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        var iec = format switch
        {
            [] or "D" or "d" => false,
            "I" or "i" => true,
            _ => throw new FormatException($"Unknown OBIS code format '{format.ToString()}'; use \"D\" or \"I\""),
        };
        return iec
            ? destination.TryWrite(CultureInfo.InvariantCulture, $"{A}-{B}:{C}.{D}.{E}*{F}", out charsWritten)
            : destination.TryWrite(CultureInfo.InvariantCulture, $"{A}.{B}.{C}.{D}.{E}.{F}", out charsWritten);
    }

    /// <summary>Reads the six-byte logical name (no length prefix: the size is fixed).</summary>
    internal static ObisCode Read(ref AxdrReader reader)
    {
        var bytes = reader.ReadBytes(EncodedLength);
        return new ObisCode(bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5]);
    }

    internal void Write(AxdrWriter writer)
    {
        TryEncode(writer.Output.GetSpan(EncodedLength), out _);
        writer.Output.Advance(EncodedLength);
    }

    /// <summary>Returns null and the code, or an error message saying what is wrong with the text.</summary>
    private static string? ParseCore(ReadOnlySpan<char> s, out ObisCode value)
    {
        value = default;
        if (s.IsEmpty)
        {
            return "An OBIS code cannot be empty";
        }

        if (s.Length > MaxTextLength)
        {
            return $"'{s[..MaxTextLength].ToString()}…' is too long for an OBIS code";
        }

        Span<byte> groups = stackalloc byte[EncodedLength];
        var position = 0;
        var iec = false;
        for (var group = 0; group < EncodedLength; group++)
        {
            if (group > 0)
            {
                if (position >= s.Length)
                {
                    return $"'{s.ToString()}' has {group} value groups; an OBIS code has six (A.B.C.D.E.F or A-B:C.D.E*F)";
                }

                var separator = s[position];
                if (group == 1)
                {
                    iec = separator == '-';
                }

                if (!IsSeparator(separator, group, iec))
                {
                    return $"'{s.ToString()}' has '{separator}' at position {position}; expected {ExpectedSeparator(group, iec)}";
                }

                position++;
            }

            var start = position;
            var number = 0;
            while (position < s.Length && char.IsAsciiDigit(s[position]) && position - start < 3)
            {
                number = (number * 10) + (s[position] - '0');
                position++;
            }

            if (position == start)
            {
                return $"'{s.ToString()}' has no number for value group {(char)('A' + group)} at position {start}";
            }

            if (position < s.Length && char.IsAsciiDigit(s[position]))
            {
                return $"'{s.ToString()}' has more than three digits in value group {(char)('A' + group)}";
            }

            if (number > byte.MaxValue)
            {
                return $"'{s.ToString()}' has {number} in value group {(char)('A' + group)}; each group is 0 to 255";
            }

            groups[group] = (byte)number;
        }

        if (position != s.Length)
        {
            return $"'{s.ToString()}' has unexpected text after value group F at position {position}";
        }

        value = new ObisCode(groups[0], groups[1], groups[2], groups[3], groups[4], groups[5]);
        return null;
    }

    // Dotted: A.B.C.D.E.F. IEC 62056-6-1: A-B:C.D.E*F (the last separator is also commonly written '.').
    private static bool IsSeparator(char c, int group, bool iec) => (iec, group) switch
    {
        (false, _) => c == '.',
        (true, 1) => c == '-',
        (true, 2) => c == ':',
        (true, 5) => c is '*' or '.',
        (true, _) => c == '.',
    };

    private static string ExpectedSeparator(int group, bool iec) => (iec, group) switch
    {
        (false, 1) => "'.' (A.B.C.D.E.F) or '-' (A-B:C.D.E*F)",
        (false, _) => "'.'",
        (true, 2) => "':'",
        (true, 5) => "'*'",
        _ => "'.'",
    };
}
