using System.Collections.Immutable;
using System.Text.Json;
using Meterline.Dlms.Security;
using Meterline.Meter.Security;

namespace Meterline.Meter.State;

/// <summary>
/// Meter state in one small JSON file per meter (<c>{directory}/{meterId}.state.json</c>), replaced atomically: the
/// new content goes to a temporary file, is flushed to the disk (unless <c>flushToDisk</c> is false, which survives
/// a process crash but not a power cut), and is renamed over the old file. A crash therefore leaves either the old
/// or the new state, never a torn one. Files are created readable by the owner only, since they hold the simulated
/// meter's keys (its secure element). Thread-safe per meter id.
/// </summary>
public sealed class FileMeterStateStore : IMeterStateStore
{
    private const int MaxFileBytes = 1 << 20;
    private readonly string _directory;
    private readonly bool _flushToDisk;
    private readonly Lock _sync = new();
    private long _saveFailures;

    public FileMeterStateStore(string directory, bool flushToDisk = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        _directory = Path.GetFullPath(directory);
        _flushToDisk = flushToDisk;
        Directory.CreateDirectory(_directory);
    }

    /// <summary>Saves that failed (disk full, permissions).</summary>
    public long SaveFailures => Interlocked.Read(ref _saveFailures);

    public MeterState? Load(string meterId)
    {
        var path = PathOf(meterId);
        if (!File.Exists(path))
        {
            return null;
        }

        var info = new FileInfo(path);
        if (info.Length > MaxFileBytes)
        {
            throw new InvalidDataException($"The state of meter {meterId} is larger than {MaxFileBytes} bytes");
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { MaxDepth = 8 });
            return Read(document.RootElement);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or KeyNotFoundException or ArgumentException)
        {
            throw new InvalidDataException($"The state of meter {meterId} is unreadable: {e.Message}", e);
        }
    }

    public bool TrySave(string meterId, MeterState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var path = PathOf(meterId);
        var temporary = path + ".tmp";
        try
        {
            lock (_sync)
            {
                var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
                if (!OperatingSystem.IsWindows())
                {
                    options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                }

                using (var stream = new FileStream(temporary, options))
                {
                    using (var writer = new Utf8JsonWriter(stream))
                    {
                        Write(writer, state);
                    }

                    stream.Flush(_flushToDisk);
                }

                File.Move(temporary, path, overwrite: true);
            }

            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Interlocked.Increment(ref _saveFailures);
            return false;
        }
    }

    private string PathOf(string meterId)
    {
        ArgumentException.ThrowIfNullOrEmpty(meterId);
        if (meterId.Length > 64 || !meterId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            throw new ArgumentException("A meter id is 1 to 64 letters, digits, '-' or '_'", nameof(meterId));
        }

        return Path.Combine(_directory, meterId + ".state.json");
    }

    private static void Write(Utf8JsonWriter writer, MeterState state)
    {
        writer.WriteStartObject();
        writer.WriteNumber("outgoingCounterMark", state.OutgoingCounterMark);
        writer.WriteStartArray("clientCounters");
        foreach (var record in state.ClientCounters)
        {
            writer.WriteStartObject();
            writer.WriteString("sender", record.Sender.ToString());
            writer.WriteNumber("keyId", (byte)record.KeyId);
            writer.WriteNumber("lastAccepted", record.LastAccepted);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("transactionIds");
        foreach (var record in state.TransactionIds)
        {
            writer.WriteStartObject();
            writer.WriteString("originator", record.Originator.ToString());
            writer.WriteNumber("lastAccepted", record.LastAccepted);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        if (state.Keys is { } keys)
        {
            writer.WriteStartObject("keys");
            writer.WriteString("encryptionKey", Convert.ToHexString(keys.GlobalUnicastEncryptionKey.Span));
            writer.WriteString("broadcastKey", Convert.ToHexString(keys.GlobalBroadcastEncryptionKey.Span));
            writer.WriteString("authenticationKey", Convert.ToHexString(keys.AuthenticationKey.Span));
            writer.WriteString("masterKey", Convert.ToHexString(keys.MasterKey.Span));
            writer.WriteString("llsSecret", Convert.ToHexString(keys.LlsSecret.Span));
            writer.WriteString("hesPublicKey", Convert.ToHexString(keys.HesPublicKey.Span));
            writer.WriteEndObject();
        }

        writer.WriteStartObject("registers");
        foreach (var (name, value) in state.Registers.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            writer.WriteNumber(name, value);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static MeterState Read(JsonElement root)
    {
        var counters = root.GetProperty("clientCounters").EnumerateArray()
            .Select(c => new InvocationCounterRecord(
                SystemTitle.Parse(c.GetProperty("sender").GetString() ?? string.Empty),
                (KeyId)c.GetProperty("keyId").GetByte(),
                c.GetProperty("lastAccepted").GetUInt32()))
            .ToImmutableArray();
        MeterKeyMaterial? keys = null;
        if (root.TryGetProperty("keys", out var k))
        {
            keys = new MeterKeyMaterial(
                Hex(k, "encryptionKey"),
                Hex(k, "broadcastKey"),
                Hex(k, "authenticationKey"),
                Hex(k, "masterKey"),
                Hex(k, "llsSecret"),
                k.TryGetProperty("hesPublicKey", out _) ? Hex(k, "hesPublicKey") : ReadOnlyMemory<byte>.Empty);
        }

        // Absent from the state of a meter saved before it knew signed commands.
        var transactionIds = root.TryGetProperty("transactionIds", out var t)
            ? t.EnumerateArray()
                .Select(r => new TransactionIdRecord(
                    SystemTitle.Parse(r.GetProperty("originator").GetString() ?? string.Empty),
                    r.GetProperty("lastAccepted").GetUInt64()))
                .ToImmutableArray()
            : [];

        var registers = root.TryGetProperty("registers", out var r)
            ? r.EnumerateObject().ToImmutableDictionary(p => p.Name, p => p.Value.GetUInt64(), StringComparer.Ordinal)
            : ImmutableDictionary<string, ulong>.Empty;
        return new MeterState
        {
            OutgoingCounterMark = root.GetProperty("outgoingCounterMark").GetUInt32(),
            ClientCounters = counters,
            TransactionIds = transactionIds,
            Keys = keys,
            Registers = registers,
        };
    }

    private static byte[] Hex(JsonElement element, string name) => Convert.FromHexString(element.GetProperty(name).GetString() ?? string.Empty);
}
