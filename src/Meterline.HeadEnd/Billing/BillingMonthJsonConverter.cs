using System.Text.Json;
using System.Text.Json.Serialization;

namespace Meterline.HeadEnd.Billing;

/// <summary>A <see cref="BillingMonth"/> in JSON: the string <c>yyyy-MM</c>.</summary>
public sealed class BillingMonthJsonConverter : JsonConverter<BillingMonth>
{
    public override BillingMonth Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && BillingMonth.TryParse(reader.GetString(), out var month)
            ? month
            : throw new JsonException("A billing month is a string yyyy-MM.");

    public override void Write(Utf8JsonWriter writer, BillingMonth value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.ToString());
    }
}
