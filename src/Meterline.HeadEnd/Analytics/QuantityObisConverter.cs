using System.Text.Json;
using System.Text.Json.Serialization;
using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.Analytics;

/// <summary>A <see cref="Quantity"/> in JSON as its register's OBIS code in dotted decimal (e.g. "1.0.1.8.0.255"); one the head-end does not store is an error.</summary>
public sealed class QuantityObisConverter : JsonConverter<Quantity>
{
    public override Quantity Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException("A quantity is its register's OBIS code as a string, e.g. \"1.0.1.8.0.255\".");
        }

        var obis = reader.GetString()!;
        return Quantity.TryFromObis(obis, out var quantity)
            ? quantity
            : throw new JsonException($"\"{obis}\" is not the OBIS code of a register the head-end stores.");
    }

    public override void Write(Utf8JsonWriter writer, Quantity value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.Obis);
    }
}
