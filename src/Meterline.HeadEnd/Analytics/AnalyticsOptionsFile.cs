using System.Text.Json;
using System.Text.Json.Serialization;

namespace Meterline.HeadEnd.Analytics;

/// <summary>
/// The analytics thresholds as a JSON file (docs/analytics.md "Rules and their thresholds"; `serve --analytics-config`):
/// an object with the <see cref="AnalyticsOptions"/> properties in camelCase, each optional — what it leaves out keeps
/// its default. Durations are <c>[d.]hh:mm:ss</c>, severities and enums by name, registers by OBIS code. A property the
/// options do not have, a value of the wrong type, a file over <see cref="MaxBytes"/> or nesting deeper than 16 is an
/// error naming the place, and so is a threshold out of range (<see cref="AnalyticsOptions.Validate"/>).
/// </summary>
public static class AnalyticsOptionsFile
{
    /// <summary>The largest file read.</summary>
    public const int MaxBytes = 1 << 20;

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        MaxDepth = 16,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false), new QuantityObisConverter(), new SerialSetConverter() },
    };

    /// <summary>Reads and validates a file; <see cref="InvalidDataException"/> saying where it is wrong.</summary>
    public static AnalyticsOptions Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = File.OpenRead(path);
        if (stream.Length > MaxBytes)
        {
            throw new InvalidDataException($"{path}: {stream.Length:N0} bytes, more than the {MaxBytes:N0} an analytics file may have.");
        }

        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return Parse(bytes, path);
    }

    /// <summary>Parses and validates JSON (<paramref name="source"/> names it in errors).</summary>
    public static AnalyticsOptions Parse(ReadOnlySpan<byte> json, string source = "analytics options")
    {
        AnalyticsOptions? options;
        try
        {
            options = JsonSerializer.Deserialize<AnalyticsOptions>(json, Json);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException)
        {
            var located = e as JsonException ?? e.InnerException as JsonException;
            var where = located?.Path is null ? string.Empty : $" at {located.Path}";
            var line = located?.LineNumber is { } number ? $" (line {number + 1})" : string.Empty;
            throw new InvalidDataException($"{source}{where}{line}: {e.Message}", e);
        }

        if (options is null)
        {
            throw new InvalidDataException($"{source}: the analytics options are a JSON object, not null.");
        }

        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{source}: {e.Message}", e);
        }

        return options;
    }

    /// <summary>The options as the file would hold them, every property (docs/examples/analytics.json holds the defaults).</summary>
    public static string Write(AnalyticsOptions options) => JsonSerializer.Serialize(options, Json);
}
