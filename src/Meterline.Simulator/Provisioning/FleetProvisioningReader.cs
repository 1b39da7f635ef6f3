using System.Globalization;
using System.Text.Json;
using Meterline.Dlms.Security;
using Meterline.Meter.Security;

namespace Meterline.Simulator.Provisioning;

/// <summary>Validates a parsed provisioning document field by field (see <see cref="FleetProvisioningFile"/>).</summary>
internal static class FleetProvisioningReader
{
    public static FleetProvisioning Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException("the document is not an object");
        }

        if (!root.TryGetProperty("version", out var version) || version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out var v) || v != FleetProvisioning.FormatVersion)
        {
            throw new InvalidDataException($"version must be {FleetProvisioning.FormatVersion}");
        }

        if (!root.TryGetProperty("meters", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException("meters must be an array");
        }

        var count = list.GetArrayLength();
        if (count is 0 or > FleetLayout.MaxMeters)
        {
            throw new InvalidDataException($"meters must hold 1 to {FleetLayout.MaxMeters} meters");
        }

        var meters = new List<ProvisionedMeter>(count);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var titles = new HashSet<SystemTitle>();
        var addresses = new HashSet<int>();
        var endpoints = new HashSet<(string, int, ushort)>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var radios = new HashSet<ulong>();
        var index = 0;
        foreach (var element in list.EnumerateArray())
        {
            var meter = ReadMeter(element, index);
            Require(ids.Add(meter.Id), index, meter.Id, "duplicate id");
            Require(titles.Add(meter.SystemTitle), index, meter.Id, "duplicate systemTitle");
            Require(addresses.Add(meter.PhysicalAddress), index, meter.Id, "duplicate hdlcPhysicalAddress");
            Require(endpoints.Add((meter.Host, meter.Port, meter.WPort)), index, meter.Id, "duplicate host, port and wPort");
            Require(meter.ZigbeeAddress is not { } radio || radios.Add(radio), index, meter.Id, "duplicate zigbee address");
            var before = keys.Count;
            FleetProvisioning.AddKeys(keys, meter.Keys);
            Require(keys.Count == before + 3, index, meter.Id, "a key repeats another key of the fleet");
            meters.Add(meter);
            index++;
        }

        return new FleetProvisioning(meters);
    }

    private static ProvisionedMeter ReadMeter(JsonElement element, int index)
    {
        Require(element.ValueKind == JsonValueKind.Object, index, null, "not an object");
        var id = String(element, "id", index, null);
        Require(id.Length is >= 1 and <= 32 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'), index, null, "id must be 1 to 32 letters, digits, '-' or '_'");
        var titleText = String(element, "systemTitle", index, id);
        var title = default(SystemTitle);
        Require(titleText.Length == 16 && SystemTitle.TryParse(titleText, out title), index, id, "systemTitle must be 16 hex digits");
        Int(element, "hdlcLogicalAddress", index, id, FleetAddressing.LogicalDevice, FleetAddressing.LogicalDevice);
        var physical = Int(element, "hdlcPhysicalAddress", index, id, FleetAddressing.FirstPhysicalAddress, FleetAddressing.MaxPhysicalAddress);
        var wPort = (ushort)Int(element, "wPort", index, id, 1, ushort.MaxValue);
        var host = String(element, "host", index, id);
        Require(host.Length is >= 1 and <= 253, index, id, "host must be 1 to 253 characters");
        var port = Int(element, "port", index, id, 1, ushort.MaxValue);
        var profile = String(element, "profile", index, id);
        Require(profile.Length is >= 1 and <= 128, index, id, "profile must be 1 to 128 characters");
        var seed = Int(element, "householdSeed", index, id, int.MinValue, int.MaxValue);
        var password = String(element, "readerPassword", index, id);
        Require(password.Length is >= 8 and <= 16 && password.All(c => c is >= '!' and <= '~'), index, id, "readerPassword must be 8 to 16 printable ASCII characters");
        byte[] hesPublicKey = [];
        if (element.TryGetProperty("hesPublicKey", out var hes))
        {
            var text = hes.ValueKind == JsonValueKind.String ? hes.GetString() : null;
            Require(text is { Length: 130 } && text.All(char.IsAsciiHexDigit) && MeterKeyStore.IsValidHesPublicKey(Convert.FromHexString(text)),
                index, id, "hesPublicKey must be an uncompressed P-256 point of 130 hex digits (04, X, Y)");
            hesPublicKey = Convert.FromHexString(text!);
        }

        var keys = new MeterKeyMaterial(
            Key(element, "encryptionKey", index, id),
            default,
            Key(element, "authenticationKey", index, id),
            Key(element, "masterKey", index, id),
            System.Text.Encoding.ASCII.GetBytes(password),
            hesPublicKey);
        ulong? radio = null;
        if (element.TryGetProperty("zigbee", out var zigbee))
        {
            var text = zigbee.ValueKind == JsonValueKind.String ? zigbee.GetString() : null;
            Require(text is { Length: 16 } && ulong.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var parsed) && parsed is not 0 and not 0xFFFF and not ulong.MaxValue,
                index, id, "zigbee must be a 64-bit radio address of 16 hex digits (not coordinator, broadcast or unknown)");
            radio = ulong.Parse(text!, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        }

        string? mqttPassword = null;
        if (element.TryGetProperty("mqttPassword", out var mqtt))
        {
            mqttPassword = mqtt.ValueKind == JsonValueKind.String ? mqtt.GetString() : null;
            Require(mqttPassword is { Length: >= 22 and <= 128 } && mqttPassword.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'),
                index, id, "mqttPassword must be 22 to 128 base64url characters");
        }

        string? endpoint = null;
        if (element.TryGetProperty("endpoint", out var link))
        {
            endpoint = link.ValueKind == JsonValueKind.String ? link.GetString() : null;
            Require(MeterEndpoints.TransportOf(endpoint, title) is not null, index, id,
                "endpoint must be mqtt://{systemTitle} or coap://host:port/path");
            Require(radio is null, index, id, "a meter with a zigbee radio has no other endpoint");
        }

        return new ProvisionedMeter(id, title, physical, wPort, host, port, profile, seed, keys)
        {
            ZigbeeAddress = radio, MqttPassword = mqttPassword, Endpoint = endpoint, Site = SiteOf(element, index, id),
        };
    }

    /// <summary>The optional network fields; null when the meter has none.</summary>
    private static MeterSite? SiteOf(JsonElement element, int index, string id)
    {
        var consumer = OptionalName(element, "consumerId", index, id);
        var transformer = OptionalName(element, "transformerId", index, id);
        var feeder = OptionalName(element, "feederId", index, id);
        var measures = OptionalName(element, "transformerMeter", index, id);
        double? latitude = null, longitude = null;
        if (element.TryGetProperty("latitude", out var lat) | element.TryGetProperty("longitude", out var lon))
        {
            Require(lat.ValueKind == JsonValueKind.Number && lon.ValueKind == JsonValueKind.Number && lat.GetDouble() is >= -90 and <= 90
                && lon.GetDouble() is >= -180 and <= 180, index, id, "latitude and longitude go together, in degrees (-90 to 90, -180 to 180)");
            latitude = lat.GetDouble();
            longitude = lon.GetDouble();
        }

        return consumer is null && transformer is null && feeder is null && measures is null && latitude is null
            ? null
            : new MeterSite(consumer, transformer, feeder, latitude, longitude, measures);
    }

    private static string? OptionalName(JsonElement element, string name, int index, string id)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            return null;
        }

        var text = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        Require(text is { Length: >= 1 and <= 64 } && text.All(c => c is > ' ' and <= '~'), index, id, name + " must be 1 to 64 printable characters");
        return text;
    }

    private static byte[] Key(JsonElement element, string name, int index, string id)
    {
        var text = String(element, name, index, id);
        Require(text.Length == 32 && text.All(char.IsAsciiHexDigit), index, id, name + " must be 32 hex digits (16 bytes)");
        return Convert.FromHexString(text);
    }

    private static string String(JsonElement element, string name, int index, string? id)
    {
        Require(element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String, index, id, name + " must be a string");
        return value.GetString()!;
    }

    private static int Int(JsonElement element, string name, int index, string? id, int min, int max)
    {
        Require(element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) && number >= min && number <= max,
            index, id, $"{name} must be an integer from {min} to {max}");
        return element.GetProperty(name).GetInt32();
    }

    private static void Require(bool condition, int index, string? id, string problem)
    {
        if (!condition)
        {
            throw new InvalidDataException(FleetProvisioningFile.Describe(index, id, problem));
        }
    }
}
