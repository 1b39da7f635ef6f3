using System.Globalization;
using System.Text;
using Meterline.Dlms.Cosem;

namespace Meterline.Cli.Dlms;

/// <summary>COSEM data as a person reads it, and typed values as a person writes them on the command line.</summary>
internal static class DataText
{
    /// <summary>Formats a value; octet-strings that are date-times, OBIS codes or printable text are shown as such.</summary>
    public static string Format(CosemData value) => value switch
    {
        CosemData.OctetString octets when octets.TryGetDateTime(out var dateTime) => FormatDateTime(dateTime),
        CosemData.OctetString octets when IsPrintable(octets.Value.Span) => '"' + Encoding.ASCII.GetString(octets.Value.Span) + '"',
        CosemData.OctetString octets when octets.Value.Length == 6 => ObisCode.Decode(octets.Value.Span, out _).ToString(),
        CosemData.OctetString octets => Convert.ToHexString(octets.Value.Span),
        CosemData.VisibleString text => '"' + text.Value + '"',
        CosemData.Utf8String text => '"' + text.Value + '"',
        CosemData.DateTime dateTime => FormatDateTime(dateTime.Value),
        CosemData.Date date => date.Value.ToString(),
        CosemData.Time time => time.Value.ToString(),
        CosemData.Boolean b => b.Value ? "true" : "false",
        CosemData.Enum e => string.Create(CultureInfo.InvariantCulture, $"enum {e.Value}"),
        CosemData.NullData => "null",
        CosemData.Array array => "[" + string.Join(", ", array.Items.Select(Format)) + "]",
        CosemData.Structure structure => "{" + string.Join(", ", structure.Items.Select(Format)) + "}",
        _ when CosemNumbers.TryGetDecimal(value, out var number) => number.ToString(CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    /// <summary>A raw register value with its scaler and unit applied: "230.12 V".</summary>
    public static string FormatScaled(CosemData value, ScalerUnit scalerUnit) =>
        scalerUnit.TryApply(value, out var physical)
            ? (physical.ToString(CultureInfo.InvariantCulture) + " " + ScalerUnit.Symbol(scalerUnit.Unit)).TrimEnd()
            : Format(value);

    /// <summary>
    /// Parses "type:value": null, boolean:true, integer:-1, long:…, unsigned:…, long-unsigned:…, double-long:…,
    /// double-long-unsigned:…, long64:…, long64-unsigned:…, enum:…, octet-string:HEX, visible-string:TEXT.
    /// </summary>
    public static CosemData Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text == "null")
        {
            return CosemData.NullData.Instance;
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            throw new FormatException($"'{text}' is not type:value (for example integer:0 or octet-string:0102)");
        }

        var type = text[..colon];
        var value = text[(colon + 1)..];
        var c = CultureInfo.InvariantCulture;
        return type switch
        {
            "boolean" => new CosemData.Boolean(bool.Parse(value)),
            "integer" => new CosemData.Integer(sbyte.Parse(value, c)),
            "long" => new CosemData.Long(short.Parse(value, c)),
            "unsigned" => new CosemData.Unsigned(byte.Parse(value, c)),
            "long-unsigned" => new CosemData.LongUnsigned(ushort.Parse(value, c)),
            "double-long" => new CosemData.DoubleLong(int.Parse(value, c)),
            "double-long-unsigned" => new CosemData.DoubleLongUnsigned(uint.Parse(value, c)),
            "long64" => new CosemData.Long64(long.Parse(value, c)),
            "long64-unsigned" => new CosemData.Long64Unsigned(ulong.Parse(value, c)),
            "enum" => new CosemData.Enum(byte.Parse(value, c)),
            "octet-string" => new CosemData.OctetString(Convert.FromHexString(value)),
            "visible-string" => new CosemData.VisibleString(value),
            _ => throw new FormatException($"Unknown data type '{type}'"),
        };
    }

    private static string FormatDateTime(CosemDateTime value) =>
        value.TryToDateTimeOffset(out var instant)
            ? instant.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture)
            : value.TryToDateTimeOffset(out var local, assumedOffset: TimeSpan.Zero)
                ? local.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)
                : value.ToString();

    private static bool IsPrintable(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 2)
        {
            return false;
        }

        foreach (var b in bytes)
        {
            if (b is < 0x20 or > 0x7E)
            {
                return false;
            }
        }

        return true;
    }
}
