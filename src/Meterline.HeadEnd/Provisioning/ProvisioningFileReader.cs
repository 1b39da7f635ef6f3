using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Meterline.HeadEnd.Keys;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Provisioning;

/// <summary>
/// Reads the simulator's provisioning file (format version 1, docs/simulator.md "Provisioning file", with the optional
/// per-meter <c>hesPublicKey</c> of a meter that trusts a head-end key and so demands signed commands) for the head-end,
/// bounded: at most <see cref="MaxFileBytes"/> bytes, <see cref="MaxMeters"/> meters and nesting depth
/// <see cref="MaxDepth"/>; every field of every meter is validated (unknown and repeated fields are refused), and an
/// error names the meter (index and id) and field, never a key. The JSON is read in place from one buffer that is
/// zeroed afterwards, so key text is never copied into strings. Any error refuses the whole file.
/// </summary>
public static class ProvisioningFileReader
{
    public const int FormatVersion = 1;
    public const int MaxFileBytes = 32 << 20;
    public const int MaxMeters = 100_000;
    public const int MaxDepth = 3;

    /// <summary>Reads and validates a file; throws <see cref="InvalidDataException"/> naming the problem.</summary>
    public static ProvisioningFile Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var length = RandomAccess.GetLength(handle);
        if (length > MaxFileBytes)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{path}: larger than {MaxFileBytes} bytes"));
        }

        var bytes = GC.AllocateUninitializedArray<byte>((int)length, pinned: true);
        try
        {
            var read = 0;
            while (read < bytes.Length)
            {
                var n = RandomAccess.Read(handle, bytes.AsSpan(read), read);
                if (n == 0)
                {
                    throw new InvalidDataException($"{path}: the file became shorter while it was read");
                }

                read += n;
            }

            return Parse(bytes, path);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    /// <summary>Validates a document held in memory; <paramref name="source"/> prefixes error messages.</summary>
    public static ProvisioningFile Parse(ReadOnlySpan<byte> json, string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (json.Length > MaxFileBytes)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{source}: larger than {MaxFileBytes} bytes"));
        }

        var meters = new List<ProvisioningFileEntry>();
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxDepth });
            ReadDocument(ref reader, meters);
            return new ProvisioningFile(meters);
        }
        catch (Exception e) when (e is JsonException or InvalidDataException)
        {
            foreach (var meter in meters)
            {
                meter.Keys.Dispose();
            }

            var message = e is JsonException json2
                ? string.Create(CultureInfo.InvariantCulture, $"not valid JSON at line {json2.LineNumber + 1}, byte {json2.BytePositionInLine + 1}")
                : e.Message;
            throw new InvalidDataException($"{source}: {message}", e is InvalidDataException ? null : e);
        }
    }

    private static void ReadDocument(ref Utf8JsonReader reader, List<ProvisioningFileEntry> meters)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new InvalidDataException("the document is not an object");
        }

        bool haveVersion = false, haveMeters = false;
        while (Next(ref reader) != JsonTokenType.EndObject)
        {
            if (reader.ValueTextEquals("version"u8) && !haveVersion)
            {
                haveVersion = true;
                Next(ref reader);
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var version) || version != FormatVersion)
                {
                    throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"version must be {FormatVersion}"));
                }
            }
            else if (reader.ValueTextEquals("meters"u8) && !haveMeters)
            {
                haveMeters = true;
                if (!haveVersion)
                {
                    throw new InvalidDataException("version must come before meters");
                }

                if (Next(ref reader) != JsonTokenType.StartArray)
                {
                    throw new InvalidDataException("meters must be an array");
                }

                while (Next(ref reader) != JsonTokenType.EndArray)
                {
                    if (meters.Count == MaxMeters)
                    {
                        throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"meters must hold at most {MaxMeters} meters"));
                    }

                    meters.Add(ReadMeter(ref reader, meters.Count));
                }
            }
            else
            {
                throw new InvalidDataException($"unknown or repeated field {Quote(ref reader)}");
            }
        }

        if (!haveVersion || !haveMeters)
        {
            throw new InvalidDataException(haveVersion ? "meters is missing" : "version is missing");
        }

        if (meters.Count == 0)
        {
            throw new InvalidDataException("meters is empty");
        }

        if (reader.Read())
        {
            throw new InvalidDataException("content follows the document");
        }
    }

    private static ProvisioningFileEntry ReadMeter(ref Utf8JsonReader reader, int index)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new InvalidDataException(Describe(index, null, "not an object"));
        }

        var fields = new MeterFields(index);
        try
        {
            while (Next(ref reader) != JsonTokenType.EndObject)
            {
                var name = Quote(ref reader);
                Next(ref reader);
                fields.Read(name, ref reader);
            }

            return fields.Build();
        }
        finally
        {
            fields.Zero();
        }
    }

    private static JsonTokenType Next(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            throw new InvalidDataException("the document ends early");
        }

        return reader.TokenType;
    }

    private static string Quote(ref Utf8JsonReader reader)
    {
        var name = reader.GetString() ?? string.Empty;
        return name.Length <= 64 && name.All(c => c is >= ' ' and <= '~') ? $"'{name}'" : "(an unprintable or long name)";
    }

    internal static string Describe(int index, string? id, string problem) =>
        string.Create(CultureInfo.InvariantCulture, $"meter {index}{(id is null ? string.Empty : " (" + id + ")")}: {problem}");

    /// <summary>One meter's fields as they are read; the first problem is kept and reported once the id is known.</summary>
    private sealed class MeterFields(int index)
    {
        private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
        private readonly byte[] _keys = GC.AllocateArray<byte>(3 * MeterKeySet.KeyLength, pinned: true);
        private readonly byte[] _password = GC.AllocateArray<byte>(KeyPolicy.MaxPasswordLength, pinned: true);
        private int _passwordLength;
        private readonly byte[] _mqttPassword = GC.AllocateArray<byte>(MeterKeySet.MaxMqttPasswordLength, pinned: true);
        private int _mqttPasswordLength;
        private string? _problem;
        private string? _id;
        private MeterSystemTitle _title;
        private int _wPort;
        private string? _host;
        private int _port;
        private string? _profile;
        private string? _zigbee;
        private string? _endpoint;
        private byte[] _hesPublicKey = [];
        private string? _consumer;
        private string? _transformer;
        private string? _feeder;
        private string? _measures;
        private double? _latitude;
        private double? _longitude;

        private static readonly string[] Required =
        [
            "'id'", "'systemTitle'", "'hdlcLogicalAddress'", "'hdlcPhysicalAddress'", "'wPort'", "'host'", "'port'", "'profile'",
            "'householdSeed'", "'encryptionKey'", "'authenticationKey'", "'masterKey'", "'readerPassword'",
        ];

        public void Read(string name, ref Utf8JsonReader reader)
        {
            if (!_seen.Add(name))
            {
                Fail($"{name} is given twice");
                reader.Skip();
                return;
            }

            switch (name)
            {
                case "'id'":
                    var id = String(ref reader, name);
                    if (id is { Length: >= 1 and <= 32 } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
                    {
                        _id = id;
                    }
                    else
                    {
                        Fail("id must be 1 to 32 letters, digits, '-' or '_'");
                    }

                    break;
                case "'systemTitle'":
                    if (!MeterSystemTitle.TryParse(String(ref reader, name), out _title))
                    {
                        Fail("systemTitle must be 16 hex digits");
                    }

                    break;
                case "'hdlcLogicalAddress'":
                    Int(ref reader, "hdlcLogicalAddress", 1, 1);
                    break;
                case "'hdlcPhysicalAddress'":
                    Int(ref reader, "hdlcPhysicalAddress", 16, 0x3FFF);
                    break;
                case "'wPort'":
                    _wPort = Int(ref reader, "wPort", 1, ushort.MaxValue);
                    break;
                case "'host'":
                    var host = String(ref reader, name);
                    if (host is { Length: >= 1 and <= 253 } && Uri.CheckHostName(host) != UriHostNameType.Unknown)
                    {
                        _host = host;
                    }
                    else
                    {
                        Fail("host must be a host name or IP address of 1 to 253 characters");
                    }

                    break;
                case "'port'":
                    _port = Int(ref reader, "port", 1, ushort.MaxValue);
                    break;
                case "'profile'":
                    var profile = String(ref reader, name);
                    if (profile is { Length: >= 1 and <= 128 } && profile.All(c => c is > ' ' and <= '~'))
                    {
                        _profile = profile;
                    }
                    else
                    {
                        Fail("profile must be 1 to 128 printable characters");
                    }

                    break;
                case "'zigbee'":
                    var radio = String(ref reader, name);
                    if (radio is { Length: 16 } && ulong.TryParse(radio, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var address)
                        && address is not (0 or 0xFFFF or ulong.MaxValue))
                    {
                        _zigbee = address.ToString("X16", CultureInfo.InvariantCulture);
                    }
                    else
                    {
                        Fail("zigbee must be a 64-bit radio address of 16 hex digits (not coordinator, broadcast or unknown)");
                    }

                    break;
                case "'endpoint'":
                    var link = String(ref reader, name);
                    if (link is { Length: >= 1 and <= MeterEndpoint.MaxLength } && Uri.TryCreate(link, UriKind.Absolute, out _))
                    {
                        _endpoint = link;
                    }
                    else
                    {
                        Fail("endpoint must be mqtt://{systemTitle} or coap://host:port/path");
                    }

                    break;
                case "'hesPublicKey'":
                    var hes = String(ref reader, name);
                    if (hes is { Length: 2 * HesPublicKeyFile.PointLength } && hes.All(char.IsAsciiHexDigit) && HesPublicKeyFile.IsValidPoint(Convert.FromHexString(hes)))
                    {
                        _hesPublicKey = Convert.FromHexString(hes);
                    }
                    else
                    {
                        Fail("hesPublicKey must be an uncompressed P-256 point of 130 hex digits (04, X, Y)");
                    }

                    break;
                case "'consumerId'":
                    _consumer = Name(ref reader, "consumerId");
                    break;
                case "'transformerId'":
                    _transformer = Name(ref reader, "transformerId");
                    break;
                case "'feederId'":
                    _feeder = Name(ref reader, "feederId");
                    break;
                case "'transformerMeter'":
                    _measures = Name(ref reader, "transformerMeter");
                    break;
                case "'latitude'":
                    _latitude = Degrees(ref reader, "latitude", 90);
                    break;
                case "'longitude'":
                    _longitude = Degrees(ref reader, "longitude", 180);
                    break;
                case "'householdSeed'":
                    Int(ref reader, "householdSeed", int.MinValue, int.MaxValue);
                    break;
                case "'encryptionKey'":
                    Key(ref reader, "encryptionKey", 0);
                    break;
                case "'authenticationKey'":
                    Key(ref reader, "authenticationKey", 1);
                    break;
                case "'masterKey'":
                    Key(ref reader, "masterKey", 2);
                    break;
                case "'readerPassword'":
                    Password(ref reader);
                    break;
                case "'mqttPassword'":
                    MqttPassword(ref reader);
                    break;
                default:
                    Fail($"unknown field {name}");
                    reader.Skip();
                    break;
            }
        }

        public ProvisioningFileEntry Build()
        {
            foreach (var field in Required)
            {
                if (!_seen.Contains(field))
                {
                    Fail($"{field.Trim('\'')} is missing");
                }
            }

            if (_endpoint is { } given)
            {
                if (_zigbee is not null)
                {
                    Fail("a meter with a zigbee radio has no other endpoint");
                }
                else if (TransportEndpoint.Check(given, _title) is { } problem)
                {
                    Fail(problem);
                }
            }

            if (_latitude.HasValue != _longitude.HasValue)
            {
                Fail("latitude and longitude go together");
            }

            if (_measures is not null && _measures == _transformer)
            {
                Fail("a transformer's meter is not its own consumer (transformerMeter and transformerId are the same)");
            }

            if (_problem is not null)
            {
                throw new InvalidDataException(Describe(index, _id, _problem));
            }

            // A meter with a Zigbee radio is reached through the head-end's coordinator, one on MQTT or CoAP at the
            // endpoint the file gives; else over TCP at host:port.
            var host = _host!.Contains(':', StringComparison.Ordinal) ? "[" + _host + "]" : _host;
            var endpoint = new MeterEndpoint(_zigbee is { } radio
                ? "zigbee://" + radio
                : _endpoint ?? string.Create(CultureInfo.InvariantCulture, $"dlms+tcp://{host}:{_port}?wport={_wPort}"));
            // A meter that trusts a head-end key demands signed commands.
            var level = _hesPublicKey.Length > 0 ? SecurityLevel.AuthenticatedEncryptedSigned : SecurityLevel.AuthenticatedEncrypted;
            var location = _latitude is { } lat && _longitude is { } lon ? new GeoLocation(lat, lon) : (GeoLocation?)null;
            var registration = new MeterRegistration(_id!, _title, _profile!, _consumer, location, _transformer, _feeder, endpoint, level);
            var keys = new MeterKeySet(_keys.AsSpan(0, 16), _keys.AsSpan(16, 16), _keys.AsSpan(32, 16), _password.AsSpan(0, _passwordLength));
            keys.SetMqttPassword(_mqttPassword.AsSpan(0, _mqttPasswordLength));
            return new ProvisioningFileEntry(index, registration, keys, _hesPublicKey, _measures);
        }

        public void Zero()
        {
            CryptographicOperations.ZeroMemory(_keys);
            CryptographicOperations.ZeroMemory(_password);
            CryptographicOperations.ZeroMemory(_mqttPassword);
        }

        private void MqttPassword(ref Utf8JsonReader reader)
        {
            var value = reader.ValueSpan;
            if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped ||
                value.Length is < MeterKeySet.MinMqttPasswordLength or > MeterKeySet.MaxMqttPasswordLength || !System.Buffers.Text.Base64Url.IsValid(value) || value.Contains((byte)'='))
            {
                Fail(string.Create(CultureInfo.InvariantCulture,
                    $"mqttPassword must be {MeterKeySet.MinMqttPasswordLength} to {MeterKeySet.MaxMqttPasswordLength} base64url characters"));
                reader.Skip();
                return;
            }

            value.CopyTo(_mqttPassword);
            _mqttPasswordLength = value.Length;
        }

        private void Fail(string problem) => _problem ??= problem;

        private string? String(ref Utf8JsonReader reader, string name)
        {
            if (reader.TokenType != JsonTokenType.String)
            {
                Fail($"{name.Trim('\'')} must be a string");
                reader.Skip();
                return null;
            }

            return reader.GetString();
        }

        /// <summary>An id of the network (consumer, transformer, feeder): 1 to 64 printable ASCII characters.</summary>
        private string? Name(ref Utf8JsonReader reader, string name)
        {
            var value = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            if (value is { Length: >= 1 and <= 64 } && value.All(c => c is > ' ' and <= '~'))
            {
                return value;
            }

            Fail($"{name} must be 1 to 64 printable characters");
            reader.Skip();
            return null;
        }

        private double? Degrees(ref Utf8JsonReader reader, string name, double limit)
        {
            if (reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out var value) && double.IsFinite(value) && value >= -limit && value <= limit)
            {
                return value;
            }

            Fail(string.Create(CultureInfo.InvariantCulture, $"{name} must be a number of degrees from -{limit} to {limit}"));
            reader.Skip();
            return null;
        }

        private int Int(ref Utf8JsonReader reader, string name, int min, int max)
        {
            if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var value) && value >= min && value <= max)
            {
                return value;
            }

            Fail(string.Create(CultureInfo.InvariantCulture, $"{name} must be an integer from {min} to {max}"));
            reader.Skip();
            return 0;
        }

        private void Key(ref Utf8JsonReader reader, string name, int slot)
        {
            var destination = _keys.AsSpan(slot * MeterKeySet.KeyLength, MeterKeySet.KeyLength);
            if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped || !TryDecodeHex(reader.ValueSpan, destination))
            {
                Fail($"{name} must be 32 hex digits (16 bytes)");
                reader.Skip();
            }
        }

        private void Password(ref Utf8JsonReader reader)
        {
            var value = reader.ValueSpan;
            if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped ||
                value.Length is < KeyPolicy.MinPasswordLength or > KeyPolicy.MaxPasswordLength || value.ContainsAnyExceptInRange((byte)'!', (byte)'~'))
            {
                Fail(string.Create(CultureInfo.InvariantCulture,
                    $"readerPassword must be {KeyPolicy.MinPasswordLength} to {KeyPolicy.MaxPasswordLength} printable ASCII characters without spaces or escapes"));
                reader.Skip();
                return;
            }

            value.CopyTo(_password);
            _passwordLength = value.Length;
        }

        private static bool TryDecodeHex(ReadOnlySpan<byte> hex, Span<byte> destination)
        {
            if (hex.Length != 2 * destination.Length)
            {
                return false;
            }

            for (var i = 0; i < destination.Length; i++)
            {
                var high = HexValue(hex[2 * i]);
                var low = HexValue(hex[2 * i + 1]);
                if ((high | low) < 0)
                {
                    destination.Clear();
                    return false;
                }

                destination[i] = (byte)((high << 4) | low);
            }

            return true;
        }

        private static int HexValue(byte c) => c switch
        {
            >= (byte)'0' and <= (byte)'9' => c - '0',
            >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
            >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
            _ => -1,
        };
    }
}
