using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Meterline.HeadEnd.Commands;

/// <summary>Writes one JSON object (audit details, command results) with <see cref="Utf8JsonWriter"/>.</summary>
internal static class JsonText
{
    public static string Object(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
