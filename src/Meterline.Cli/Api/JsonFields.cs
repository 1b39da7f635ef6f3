using System.Globalization;
using System.Text.Json;

namespace Meterline.Cli.Api;

/// <summary>Reads fields of the API's JSON answers for display ("-" for a missing or null field).</summary>
internal static class JsonFields
{
    public static string Text(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var value))
        {
            return "-";
        }

        return Format(value);
    }

    public static string Format(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var time) && text.Contains('T', StringComparison.Ordinal)
            ? time.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture)
            : value.GetString() ?? "-",
        JsonValueKind.Null or JsonValueKind.Undefined => "-",
        JsonValueKind.True => "yes",
        JsonValueKind.False => "no",
        _ => value.GetRawText(),
    };

    public static long Int64(JsonElement element, string name) => element.GetProperty(name).GetInt64();

    public static int Int32(JsonElement element, string name) => element.GetProperty(name).GetInt32();

    public static IEnumerable<JsonElement> Items(JsonElement page, string name = "items") =>
        page.ValueKind == JsonValueKind.Object && page.TryGetProperty(name, out var items) && items.ValueKind == JsonValueKind.Array ? items.EnumerateArray() : [];

    public static string? NextPageToken(JsonElement page) =>
        page.TryGetProperty("nextPageToken", out var token) && token.ValueKind == JsonValueKind.String ? token.GetString() : null;
}
