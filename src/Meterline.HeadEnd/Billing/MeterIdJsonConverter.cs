using System.Text.Json;
using System.Text.Json.Serialization;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Billing;

/// <summary>A <see cref="MeterId"/> in a stored bill: its number.</summary>
internal sealed class MeterIdJsonConverter : JsonConverter<MeterId>
{
    public override MeterId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => new(reader.GetInt32());

    public override void Write(Utf8JsonWriter writer, MeterId value, JsonSerializerOptions options) => writer.WriteNumberValue(value.Value);
}
