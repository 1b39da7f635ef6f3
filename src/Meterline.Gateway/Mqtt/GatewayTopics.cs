namespace Meterline.Gateway.Mqtt;

/// <summary>
/// The meters' topics as the head-end names them (docs/mqtt.md, <c>Meterline.HeadEnd.Mqtt.Topics.MeterTopics</c>, which
/// the gateway does not reference: it is a separate process with no head-end code): a meter's pushes and session
/// responses on <c>meterline/{systemTitle}/up</c>, the head-end's requests on <c>meterline/{systemTitle}/down</c>.
/// </summary>
public static class GatewayTopics
{
    public static string Up(string systemTitle) => $"meterline/{systemTitle}/up";

    public static string Down(string systemTitle) => $"meterline/{systemTitle}/down";

    /// <summary>The system title of <c>meterline/{title}/down</c>; false for any other topic.</summary>
    public static bool TryParseDown(string? topic, out string systemTitle)
    {
        systemTitle = "";
        const string prefix = "meterline/";
        const string suffix = "/down";
        if (topic is null || topic.Length != prefix.Length + 16 + suffix.Length
            || !topic.StartsWith(prefix, StringComparison.Ordinal) || !topic.EndsWith(suffix, StringComparison.Ordinal))
        {
            return false;
        }

        systemTitle = topic.Substring(prefix.Length, 16);
        return true;
    }
}
