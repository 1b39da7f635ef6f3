using System.Text;
using System.Text.Json;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Outages;

namespace Meterline.Storage.Sql;

/// <summary>An outage's affected meters as stored: a JSON array of {m: meter id, l: loss (microseconds), s: source, r?: restoration}.</summary>
internal static class AffectedMetersJson
{
    public static string Write(IReadOnlyList<AffectedMeter> meters)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartArray();
            foreach (var meter in meters)
            {
                json.WriteStartObject();
                json.WriteNumber("m", meter.Meter.Value);
                json.WriteNumber("l", StorageTime.ToMicroseconds(meter.LostAt));
                json.WriteNumber("s", (int)meter.Source);
                if (meter.RestoredAt is { } restored)
                {
                    json.WriteNumber("r", StorageTime.ToMicroseconds(restored));
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public static IReadOnlyList<AffectedMeter> Read(string text)
    {
        using var document = JsonDocument.Parse(text);
        var meters = new List<AffectedMeter>(document.RootElement.GetArrayLength());
        foreach (var e in document.RootElement.EnumerateArray())
        {
            meters.Add(new AffectedMeter(
                new MeterId(e.GetProperty("m").GetInt32()),
                StorageTime.FromMicroseconds(e.GetProperty("l").GetInt64()),
                (PowerSignalSource)e.GetProperty("s").GetInt32(),
                e.TryGetProperty("r", out var r) ? StorageTime.FromMicroseconds(r.GetInt64()) : null));
        }

        return meters;
    }
}
