using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Meterline.Cli.Api;
using Meterline.Cli.Dlms;

namespace Meterline.Cli.Meters;

/// <summary>
/// Cuts a provisioning file (format version 1) into smaller files of the same format, a batch of meters each, so that
/// an import of thousands of meters goes to the head-end in steps whose progress can be shown. The meters' JSON is
/// copied byte for byte; every buffer holding keys is pinned and zeroed by its owner.
/// </summary>
internal sealed class ProvisioningBatches : IDisposable
{
    private static readonly byte[] Head = """{"version":1,"meters":["""u8.ToArray();
    private static readonly byte[] Tail = "]}"u8.ToArray();
    private readonly byte[] _file;
    private readonly List<(int Start, int Length)> _meters;

    private ProvisioningBatches(byte[] file, List<(int Start, int Length)> meters)
    {
        _file = file;
        _meters = meters;
    }

    public int Count => _meters.Count;

    /// <summary>Reads the file (pinned; zeroed on dispose) and finds its meters; a file that is not a version-1 provisioning file is a usage error.</summary>
    public static ProvisioningBatches Read(string path, int maxBytes)
    {
        byte[] bytes;
        try
        {
            var length = new FileInfo(path).Length;
            if (length > maxBytes)
            {
                throw new CommandException(string.Create(CultureInfo.InvariantCulture, $"{path}: larger than {maxBytes} bytes"), ApiExitCodes.Usage);
            }

            bytes = GC.AllocateUninitializedArray<byte>((int)length, pinned: true);
            using var stream = File.OpenRead(path);
            stream.ReadExactly(bytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CommandException($"cannot read {path}: {e.Message}", ApiExitCodes.Usage);
        }

        try
        {
            return new ProvisioningBatches(bytes, FindMeters(bytes));
        }
        catch (Exception e) when (e is JsonException or InvalidDataException)
        {
            CryptographicOperations.ZeroMemory(bytes);
            throw new CommandException($"{path}: {(e is JsonException ? "not valid JSON" : e.Message)}", ApiExitCodes.Usage);
        }
    }

    /// <summary>A provisioning file of meters [<paramref name="first"/>, first + count), in a pinned buffer the caller zeroes.</summary>
    public byte[] Batch(int first, int count)
    {
        var spans = _meters.Skip(first).Take(count).ToList();
        var size = Head.Length + Tail.Length + spans.Sum(s => s.Length) + Math.Max(0, spans.Count - 1);
        var batch = GC.AllocateUninitializedArray<byte>(size, pinned: true);
        var at = 0;
        Head.CopyTo(batch, at);
        at += Head.Length;
        for (var i = 0; i < spans.Count; i++)
        {
            if (i > 0)
            {
                batch[at++] = (byte)',';
            }

            _file.AsSpan(spans[i].Start, spans[i].Length).CopyTo(batch.AsSpan(at));
            at += spans[i].Length;
        }

        Tail.CopyTo(batch, at);
        return batch;
    }

    public void Dispose() => CryptographicOperations.ZeroMemory(_file);

    private static List<(int Start, int Length)> FindMeters(byte[] file)
    {
        var reader = new Utf8JsonReader(file, new JsonReaderOptions { MaxDepth = 4 });
        var meters = new List<(int Start, int Length)>();
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new InvalidDataException("the document is not an object");
        }

        int? version = null;
        var haveMeters = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("version"u8))
            {
                reader.Read();
                version = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var v) ? v : -1;
            }
            else if (reader.ValueTextEquals("meters"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    throw new InvalidDataException("meters must be an array");
                }

                haveMeters = true;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    var start = (int)reader.TokenStartIndex;
                    reader.Skip();
                    meters.Add((start, (int)reader.BytesConsumed - start));
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (version != 1 || !haveMeters || meters.Count == 0)
        {
            throw new InvalidDataException(version != 1 ? "version must be 1" : "meters is missing or empty");
        }

        return meters;
    }
}
