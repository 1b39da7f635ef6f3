using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Mqtt.Topics;

/// <summary>
/// The topic scheme (docs/mqtt.md): a meter publishes its pushes and session responses to
/// <c>meterline/{systemTitle}/up</c> and receives the head-end's requests on <c>meterline/{systemTitle}/down</c>, the
/// system title as sixteen upper-case hexadecimal digits (also the meter's MQTT user name).
/// </summary>
public static class MeterTopics
{
    public const string Root = "meterline";
    public const string UpLevel = "up";
    public const string DownLevel = "down";

    private static readonly SearchValues<char> UpperHex = SearchValues.Create("0123456789ABCDEF");

    /// <summary>Every meter's uplink: <c>meterline/+/up</c>.</summary>
    public const string AllUp = Root + "/+/" + UpLevel;

    public static string Up(MeterSystemTitle systemTitle) => $"{Root}/{systemTitle}/{UpLevel}";

    public static string Down(MeterSystemTitle systemTitle) => $"{Root}/{systemTitle}/{DownLevel}";

    /// <summary>The shared subscription to every uplink for a group of head-end nodes (MQTT 5.0 §4.8.2).</summary>
    public static string SharedUp(string group)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(group);
        if (group.AsSpan().IndexOfAny("/+#") >= 0)
        {
            throw new ArgumentException("A share name holds no '/', '+' or '#'.", nameof(group));
        }

        return $"$share/{group}/{AllUp}";
    }

    /// <summary>The system title of <c>meterline/{title}/up</c> (upper-case hex only); false for any other topic.</summary>
    public static bool TryParseUp([NotNullWhen(true)] string? topic, out MeterSystemTitle systemTitle) => TryParse(topic, UpLevel, out systemTitle);

    /// <summary>The system title of <c>meterline/{title}/down</c>; false for any other topic.</summary>
    public static bool TryParseDown([NotNullWhen(true)] string? topic, out MeterSystemTitle systemTitle) => TryParse(topic, DownLevel, out systemTitle);

    /// <summary>Parses a user name that is a system title in the canonical form (sixteen upper-case hex digits).</summary>
    public static bool TryParseUserName([NotNullWhen(true)] string? userName, out MeterSystemTitle systemTitle)
    {
        systemTitle = default;
        return userName is not null && MeterSystemTitle.TryParse(userName, out systemTitle) && string.Equals(systemTitle.ToString(), userName, StringComparison.Ordinal);
    }

    /// <summary>
    /// Parses <c>meterline/{title}/{level}</c> without allocating (it runs for every message the node receives): the
    /// title must be sixteen upper-case hexadecimal digits, its canonical form.
    /// </summary>
    private static bool TryParse(string? topic, string level, out MeterSystemTitle systemTitle)
    {
        systemTitle = default;
        var prefix = Root.Length + 1;
        if (topic is null || topic.Length != prefix + 16 + 1 + level.Length
            || !topic.StartsWith(Root + "/", StringComparison.Ordinal)
            || topic[prefix + 16] != '/'
            || !topic.EndsWith(level, StringComparison.Ordinal))
        {
            return false;
        }

        var title = topic.AsSpan(prefix, 16);
        if (title.IndexOfAnyExcept(UpperHex) >= 0
            || !ulong.TryParse(title, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }

        systemTitle = new MeterSystemTitle(value);
        return true;
    }
}
