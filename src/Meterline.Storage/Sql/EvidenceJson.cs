using System.Text;
using System.Text.Json;
using Meterline.HeadEnd.Analytics;

namespace Meterline.Storage.Sql;

/// <summary>An alert's evidence as stored: a JSON array of {time (microseconds), kind, name, value?, unit?}.</summary>
internal static class EvidenceJson
{
    public static string Write(IReadOnlyList<EvidenceItem> evidence)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartArray();
            foreach (var item in evidence)
            {
                json.WriteStartObject();
                json.WriteNumber("t", StorageTime.ToMicroseconds(item.Time));
                json.WriteString("k", item.Kind);
                json.WriteString("n", item.Name);
                if (item.Value is { } value)
                {
                    json.WriteNumber("v", value);
                }

                if (item.Unit is { } unit)
                {
                    json.WriteString("u", unit);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public static IReadOnlyList<EvidenceItem> Read(string text)
    {
        using var document = JsonDocument.Parse(text);
        var items = new List<EvidenceItem>(document.RootElement.GetArrayLength());
        foreach (var e in document.RootElement.EnumerateArray())
        {
            items.Add(new EvidenceItem(
                StorageTime.FromMicroseconds(e.GetProperty("t").GetInt64()),
                e.GetProperty("k").GetString()!,
                e.GetProperty("n").GetString()!,
                e.TryGetProperty("v", out var v) ? v.GetDouble() : null,
                e.TryGetProperty("u", out var u) ? u.GetString() : null));
        }

        return items;
    }
}
