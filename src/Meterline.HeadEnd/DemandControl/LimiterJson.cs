using System.Text.Json;
using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.Communication;

namespace Meterline.HeadEnd.DemandControl;

/// <summary>
/// The JSON form of a <see cref="LimiterReading"/> (command results, stored confirmations, the API):
/// <c>{"unit":"W","normal":5000,"emergency":2000,"minOverSeconds":60,"minUnderSeconds":30,"active":5000,
/// "emergencyActive":false,"emergencyProfile":{"id":1,"activateAt":"…","durationSeconds":7200}}</c>, the profile
/// absent when there is none.
/// </summary>
public static class LimiterJson
{
    public static void Write(Utf8JsonWriter writer, LimiterReading reading)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(reading);
        var settings = reading.Settings;
        writer.WriteString("unit", reading.MonitoredUnit);
        writer.WriteNumber("normal", settings.NormalThreshold);
        writer.WriteNumber("emergency", settings.EmergencyThreshold);
        writer.WriteNumber("minOverSeconds", settings.MinOverThresholdDuration);
        writer.WriteNumber("minUnderSeconds", settings.MinUnderThresholdDuration);
        writer.WriteNumber("active", reading.ActiveThreshold);
        writer.WriteBoolean("emergencyActive", reading.EmergencyProfileActive);
        if (settings.EmergencyProfile is { } profile)
        {
            writer.WriteStartObject("emergencyProfile");
            writer.WriteNumber("id", profile.Id);
            writer.WriteString("activateAt", profile.ActivationTime);
            writer.WriteNumber("durationSeconds", (long)profile.Duration.TotalSeconds);
            writer.WriteEndObject();
        }
    }

    public static string Serialize(LimiterReading reading) => JsonText.Object(w => Write(w, reading));

    /// <exception cref="JsonException">Not the shape <see cref="Write"/> makes.</exception>
    public static LimiterReading Deserialize(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        try
        {
            LimiterEmergencyProfile? profile = null;
            if (root.TryGetProperty("emergencyProfile", out var p))
            {
                profile = new LimiterEmergencyProfile(
                    p.GetProperty("id").GetUInt16(),
                    p.GetProperty("activateAt").GetDateTimeOffset(),
                    TimeSpan.FromSeconds(p.GetProperty("durationSeconds").GetUInt32()));
            }

            var settings = new LimiterSettings(
                root.GetProperty("normal").GetUInt32(),
                root.GetProperty("emergency").GetUInt32(),
                root.GetProperty("minOverSeconds").GetUInt32(),
                root.GetProperty("minUnderSeconds").GetUInt32(),
                profile);
            return new LimiterReading(settings, root.GetProperty("unit").GetString() ?? string.Empty, root.GetProperty("active").GetUInt32(), root.GetProperty("emergencyActive").GetBoolean());
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new JsonException("Not a limiter reading: " + e.Message, e);
        }
    }
}
