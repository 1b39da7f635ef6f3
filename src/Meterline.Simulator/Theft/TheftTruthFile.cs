using System.Globalization;
using System.Text.Json;

namespace Meterline.Simulator.Theft;

/// <summary>
/// Reads and writes the truth file (<c>--truth FILE</c>, docs/simulator.md "Theft injection"): JSON with the run's
/// span, seeds, consumer count and thefts (meter, index, pattern, start, end or null, bypass share). Written atomically;
/// read back bounded (1 MiB per 1,000 thefts is far more than needed: at most <see cref="MaxFileBytes"/>) and validated.
/// </summary>
public static class TheftTruthFile
{
    public const int FormatVersion = 1;

    public const int MaxFileBytes = 16 << 20;

    public static void Write(string path, TheftTruth truth)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(truth);
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temporary = full + ".tmp";
        using (var stream = File.Create(temporary))
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("version", FormatVersion);
            writer.WriteString("start", truth.Start.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
            writer.WriteString("end", truth.End.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
            writer.WriteNumber("seed", truth.Seed);
            writer.WriteNumber("theftSeed", truth.TheftSeed);
            writer.WriteNumber("consumerMeters", truth.ConsumerMeters);
            writer.WriteStartArray("thefts");
            foreach (var theft in truth.Thefts)
            {
                writer.WriteStartObject();
                writer.WriteString("meter", theft.Meter);
                writer.WriteNumber("index", theft.Index);
                writer.WriteString("pattern", NameOf(theft.Pattern));
                writer.WriteString("start", theft.Start.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
                if (theft.End is { } end)
                {
                    writer.WriteString("end", end.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
                }
                else
                {
                    writer.WriteNull("end");
                }

                if (theft.Share is { } share)
                {
                    writer.WriteNumber("share", share);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        File.Move(temporary, full, overwrite: true);
    }

    /// <exception cref="InvalidDataException">Not a valid truth file.</exception>
    public static TheftTruth Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (new FileInfo(path).Length > MaxFileBytes)
        {
            throw new InvalidDataException($"{path}: larger than {MaxFileBytes} bytes");
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { MaxDepth = 4 });
            var root = document.RootElement;
            if (root.GetProperty("version").GetInt32() != FormatVersion)
            {
                throw new InvalidDataException($"{path}: version must be {FormatVersion}");
            }

            var thefts = new List<TheftCase>();
            foreach (var item in root.GetProperty("thefts").EnumerateArray())
            {
                var end = item.GetProperty("end");
                thefts.Add(new TheftCase(
                    item.GetProperty("meter").GetString() ?? throw new InvalidDataException($"{path}: a theft without a meter"),
                    item.GetProperty("index").GetInt32(),
                    PatternOf(item.GetProperty("pattern").GetString()) ?? throw new InvalidDataException($"{path}: an unknown pattern"),
                    Instant(item.GetProperty("start")),
                    end.ValueKind == JsonValueKind.Null ? null : Instant(end),
                    item.TryGetProperty("share", out var share) ? share.GetDouble() : null));
            }

            return new TheftTruth(
                Instant(root.GetProperty("start")), Instant(root.GetProperty("end")), root.GetProperty("seed").GetInt32(),
                root.GetProperty("theftSeed").GetInt32(), root.GetProperty("consumerMeters").GetInt32(), thefts);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{path}: not a truth file ({e.Message})", e);
        }
    }

    /// <summary>The pattern's name in files and options: bypass, magnet, neutral, reversed.</summary>
    public static string NameOf(TheftPattern pattern) => pattern switch
    {
        TheftPattern.Bypass => "bypass",
        TheftPattern.Magnet => "magnet",
        TheftPattern.Neutral => "neutral",
        _ => "reversed",
    };

    /// <summary>The pattern of a name (<see cref="NameOf"/>), or null.</summary>
    public static TheftPattern? PatternOf(string? name) => name switch
    {
        "bypass" => TheftPattern.Bypass,
        "magnet" => TheftPattern.Magnet,
        "neutral" => TheftPattern.Neutral,
        "reversed" => TheftPattern.Reversed,
        _ => null,
    };

    private static DateTimeOffset Instant(JsonElement element) =>
        DateTimeOffset.Parse(element.GetString() ?? throw new FormatException("an instant is null"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}
