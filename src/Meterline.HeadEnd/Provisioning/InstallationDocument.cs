using System.Security.Cryptography;
using System.Text.Json;
using Meterline.HeadEnd.Keys;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Provisioning;

/// <summary>
/// What one meter needs at installation, as JSON: format version, serial, system title, key generation, its keys (hex)
/// and LLS password, its MQTT password when it has one (user name and client id: its system title), and the head-end's
/// public signing key (uncompressed SEC 1 point, hex). Written with mode 0600 by
/// <see cref="MeterProvisioner.ExportInstallationAsync"/>.
/// </summary>
public static class InstallationDocument
{
    public const int FormatVersion = 1;

    private const int Capacity = 4096;

    /// <summary>Writes the document to <paramref name="path"/> (mode 0600, replaced atomically); the buffer is zeroed.</summary>
    public static void Write(string path, Meter meter, MeterSecrets secrets, ReadOnlySpan<byte> hesPublicKey, ReadOnlySpan<byte> mqttPassword = default)
    {
        ArgumentNullException.ThrowIfNull(meter);
        ArgumentNullException.ThrowIfNull(secrets);
        using var buffer = new ZeroingBufferWriter(Capacity);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("version", FormatVersion);
            writer.WriteString("serial", meter.Serial);
            writer.WriteString("systemTitle", meter.SystemTitle.ToString());
            writer.WriteNumber("keyGeneration", secrets.Generation);
            WriteHex(writer, "encryptionKey", secrets.Encryption);
            WriteHex(writer, "authenticationKey", secrets.Authentication);
            WriteHex(writer, "masterKey", secrets.Master);
            writer.WriteString("readerPassword", secrets.ReaderPassword);
            if (!mqttPassword.IsEmpty)
            {
                writer.WriteString("mqttPassword", mqttPassword);
            }

            WriteHex(writer, "hesPublicKey", hesPublicKey);
            writer.WriteEndObject();
        }

        OwnerOnlyFile.Write(path, buffer.WrittenSpan, overwrite: true);
    }

    private static void WriteHex(Utf8JsonWriter writer, string name, ReadOnlySpan<byte> bytes)
    {
        Span<char> hex = stackalloc char[2 * 65];
        try
        {
            if (!Convert.TryToHexString(bytes, hex, out var written))
            {
                throw new ArgumentException($"{name} is too long.");
            }

            writer.WriteString(name, hex[..written]);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(hex));
        }
    }
}
