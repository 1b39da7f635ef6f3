using System.Globalization;
using System.Text.Json;

namespace Meterline.Simulator.Provisioning;

/// <summary>
/// Reads and writes the provisioning file (JSON, documented in docs/simulator.md). The file holds every meter's keys,
/// so it is created readable and writable by the owner only (mode 0600) and replaced atomically. Reading validates
/// everything — format version, sizes, hex, lengths, ranges, and that ids, system titles, addresses and keys are
/// unique — and throws <see cref="InvalidDataException"/> naming the meter and field (never a key's value).
/// </summary>
public static class FleetProvisioningFile
{
    /// <summary>The largest file read (a full fleet of 16,368 meters takes about 8 MB).</summary>
    public const int MaxFileBytes = 32 << 20;

    public static void Write(string path, FleetProvisioning provisioning)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(provisioning);
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temporary = full + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, options))
        {
            using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
            {
                WriteDocument(writer, provisioning);
            }

            stream.Flush(flushToDisk: true);
        }

        if (!OperatingSystem.IsWindows())
        {
            // A temporary file left by an earlier crash keeps its mode: make sure of it.
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.Move(temporary, full, overwrite: true);
    }

    /// <summary>Reads and validates a provisioning file; null when it does not exist.</summary>
    public static FleetProvisioning? ReadIfExists(string path) => File.Exists(path) ? Read(path) : null;

    public static FleetProvisioning Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var info = new FileInfo(path);
        if (info.Length > MaxFileBytes)
        {
            throw new InvalidDataException($"{path}: larger than {MaxFileBytes} bytes");
        }

        return Parse(File.ReadAllBytes(path), path);
    }

    internal static FleetProvisioning Parse(ReadOnlySpan<byte> json, string source)
    {
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 8 });
            using var document = JsonDocument.ParseValue(ref reader);
            return FleetProvisioningReader.Read(document.RootElement);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: not valid JSON ({e.Message})", e);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{source}: {e.Message}", e);
        }
    }

    private static void WriteDocument(Utf8JsonWriter writer, FleetProvisioning provisioning)
    {
        writer.WriteStartObject();
        writer.WriteNumber("version", FleetProvisioning.FormatVersion);
        writer.WriteStartArray("meters");
        foreach (var meter in provisioning.Meters)
        {
            writer.WriteStartObject();
            writer.WriteString("id", meter.Id);
            writer.WriteString("systemTitle", meter.SystemTitle.ToString());
            writer.WriteNumber("hdlcLogicalAddress", FleetAddressing.LogicalDevice);
            writer.WriteNumber("hdlcPhysicalAddress", meter.PhysicalAddress);
            writer.WriteNumber("wPort", meter.WPort);
            writer.WriteString("host", meter.Host);
            writer.WriteNumber("port", meter.Port);
            if (meter.ZigbeeAddress is { } radio)
            {
                writer.WriteString("zigbee", radio.ToString("X16", CultureInfo.InvariantCulture));
            }

            if (meter.Endpoint is { } endpoint)
            {
                writer.WriteString("endpoint", endpoint);
            }

            writer.WriteString("profile", meter.ProfileId);
            writer.WriteNumber("householdSeed", meter.HouseholdSeed);
            writer.WriteString("encryptionKey", Convert.ToHexString(meter.Keys.GlobalUnicastEncryptionKey.Span));
            writer.WriteString("authenticationKey", Convert.ToHexString(meter.Keys.AuthenticationKey.Span));
            writer.WriteString("masterKey", Convert.ToHexString(meter.Keys.MasterKey.Span));
            writer.WriteString("readerPassword", meter.ReaderPassword);
            if (meter.MqttPassword is { } mqtt)
            {
                writer.WriteString("mqttPassword", mqtt);
            }

            if (!meter.Keys.HesPublicKey.IsEmpty)
            {
                writer.WriteString("hesPublicKey", Convert.ToHexString(meter.Keys.HesPublicKey.Span));
            }

            if (meter.Site is { } site)
            {
                WriteSite(writer, site);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteSite(Utf8JsonWriter writer, MeterSite site)
    {
        WriteOptional(writer, "consumerId", site.ConsumerId);
        WriteOptional(writer, "transformerId", site.TransformerId);
        WriteOptional(writer, "feederId", site.FeederId);
        if (site.Latitude is { } latitude && site.Longitude is { } longitude)
        {
            writer.WriteNumber("latitude", latitude);
            writer.WriteNumber("longitude", longitude);
        }

        WriteOptional(writer, "transformerMeter", site.TransformerMeter);
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    internal static string Describe(int index, string? id, string field) =>
        string.Create(CultureInfo.InvariantCulture, $"meter {index}{(id is null ? string.Empty : " (" + id + ")")}: {field}");
}
