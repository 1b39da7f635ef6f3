namespace Meterline.HeadEnd.Northbound;

/// <summary>
/// How a meter event (IS 15959 event code, profiles/*.json) is published: a power failure's occurrence and
/// restoration become outage messages, every other event an alert of a category.
/// </summary>
/// <param name="Type">Its message type: <see cref="NorthboundMessageType.Alert"/> or <see cref="NorthboundMessageType.Outage"/>.</param>
/// <param name="Category">The alert category (tamper, magnet, cover, key, replay, signature, voltage, current, relay, configuration, other), or for an outage <c>start</c> / <c>end</c>.</param>
public readonly record struct EventClass(string Type, string Category)
{
    /// <summary>IS 15959 power failure, occurrence.</summary>
    public const int PowerFailureOccurrence = 101;

    /// <summary>IS 15959 power failure, restoration.</summary>
    public const int PowerFailureRestoration = 102;

    public static EventClass Of(int code) => code switch
    {
        PowerFailureOccurrence => new(NorthboundMessageType.Outage, "start"),
        PowerFailureRestoration => new(NorthboundMessageType.Outage, "end"),
        >= 1 and <= 50 => Alert("voltage"),
        >= 51 and <= 100 => Alert("current"),
        201 or 202 => Alert("magnet"),
        >= 203 and <= 250 => Alert("tamper"),
        251 => Alert("cover"),
        161 or 162 or 164 or 194 => Alert("key"),
        170 or 193 => Alert("replay"),
        191 or 192 => Alert("signature"),
        >= 151 and <= 200 => Alert("configuration"),
        >= 301 and <= 350 => Alert("relay"),
        _ => Alert("other"),
    };

    private static EventClass Alert(string category) => new(NorthboundMessageType.Alert, category);
}
