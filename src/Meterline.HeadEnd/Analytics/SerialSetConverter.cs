using System.Text.Json;
using System.Text.Json.Serialization;

namespace Meterline.HeadEnd.Analytics;

/// <summary>A set of meter serials (<see cref="AnalyticsOptions.NetMeteredSerials"/>) in JSON as an array of strings, compared ordinally.</summary>
public sealed class SerialSetConverter : JsonConverter<IReadOnlySet<string>>
{
    public override IReadOnlySet<string> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("Meter serials are an array of strings.");
        }

        var serials = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            serials.Add(reader.TokenType == JsonTokenType.String && reader.GetString() is { Length: > 0 } serial
                ? serial
                : throw new JsonException("A meter serial is a non-empty string."));
        }

        return serials;
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlySet<string> value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteStartArray();
        foreach (var serial in value.Order(StringComparer.Ordinal))
        {
            writer.WriteStringValue(serial);
        }

        writer.WriteEndArray();
    }
}
