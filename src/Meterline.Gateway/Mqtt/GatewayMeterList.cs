using System.Globalization;
using Meterline.Zigbee.Frames;

namespace Meterline.Gateway.Mqtt;

/// <summary>
/// The meters of one gateway, from a text file: one meter a line, <c>SYSTEMTITLE RADIO</c> for a meter behind the
/// Zigbee coordinator or <c>SYSTEMTITLE</c> alone for a meter on a DLMS/TCP link (each sixteen hex digits, separated by
/// spaces or a tab), blank lines and lines starting with <c>#</c> ignored. The file holds no secret: the
/// gateway carries already-secured APDUs and holds no key. A system title or radio listed twice, the coordinator's,
/// broadcast or "unknown" radio address, or more than <see cref="MaxMeters"/> lines is refused with the line number.
/// </summary>
public static class GatewayMeterList
{
    /// <summary>The most meters one gateway bridges (a coordinator's network is far smaller).</summary>
    public const int MaxMeters = 10_000;

    public static IReadOnlyList<GatewayMeter> Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using var reader = new StreamReader(path);
        return Parse(reader);
    }

    public static IReadOnlyList<GatewayMeter> Parse(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var meters = new List<GatewayMeter>();
        var titles = new HashSet<string>(StringComparer.Ordinal);
        var radios = new HashSet<XBeeAddress64>();
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            var text = line.Trim();
            if (text.Length == 0 || text[0] == '#')
            {
                continue;
            }

            if (line.Length > 200)
            {
                throw new FormatException($"line {number}: too long");
            }

            var fields = text.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length is < 1 or > 2 || !fields.All(IsHex16))
            {
                throw new FormatException($"line {number}: expected SYSTEMTITLE RADIO or SYSTEMTITLE, each 16 hex digits");
            }

            var title = fields[0].ToUpperInvariant();
            XBeeAddress64? radio = fields.Length == 1 ? null : new XBeeAddress64(ulong.Parse(fields[1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture));
            if (radio is { } r && (r == XBeeAddress64.Coordinator || r == XBeeAddress64.Broadcast || r == XBeeAddress64.Unknown))
            {
                throw new FormatException($"line {number}: {r} is the coordinator's, broadcast or unknown address, no meter's radio");
            }

            if (!titles.Add(title) || (radio is { } listed && !radios.Add(listed)))
            {
                throw new FormatException($"line {number}: system title {title} or radio {radio} listed twice");
            }

            if (meters.Count == MaxMeters)
            {
                throw new FormatException($"line {number}: more than {MaxMeters} meters");
            }

            meters.Add(new GatewayMeter(title, radio));
        }

        return meters;
    }

    /// <summary>The file's text for <paramref name="meters"/>.</summary>
    public static string Format(IEnumerable<GatewayMeter> meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var text = new System.Text.StringBuilder("# meterline gateway meters: SYSTEMTITLE RADIO (Zigbee) or SYSTEMTITLE (DLMS/TCP link)\n");
        foreach (var meter in meters)
        {
            text.Append(meter.SystemTitle);
            if (meter.Radio is { } radio)
            {
                text.Append(' ').Append(radio.ToString());
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    private static bool IsHex16(string value) => value.Length == 16 && value.All(char.IsAsciiHexDigit);
}
