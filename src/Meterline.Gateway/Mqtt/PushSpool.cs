using System.Buffers.Binary;
using Meterline.Zigbee.Frames;

namespace Meterline.Gateway.Mqtt;

/// <summary>
/// The pushes a gateway still held when it stopped, in a file read back first at its next start. Layout: the magic
/// <c>MLGS</c> and version 1, then per push the radio's 64-bit address, the wrapper frame's length (4 bytes, big
/// endian) and the wrapper frame as the meter sent it. Written to a temporary file, flushed to disk and renamed over
/// the spool, so a crash while writing leaves the previous spool or none, never half of one. Reading is bounded:
/// at most <paramref name="maxFrames"/> frames of at most <paramref name="maxFrameLength"/> bytes; a truncated or
/// foreign file is refused, never half-read.
/// </summary>
public static class PushSpool
{
    private static ReadOnlySpan<byte> Magic => "MLGS\u0001"u8;

    public static void Write(string path, IReadOnlyCollection<(XBeeAddress64 Radio, byte[] Frame)> frames)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(frames);
        if (frames.Count == 0)
        {
            File.Delete(path);
            return;
        }

        var temporary = path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            file.Write(Magic);
            Span<byte> header = stackalloc byte[12];
            foreach (var (radio, frame) in frames)
            {
                BinaryPrimitives.WriteUInt64BigEndian(header, radio.Value);
                BinaryPrimitives.WriteInt32BigEndian(header[8..], frame.Length);
                file.Write(header);
                file.Write(frame);
            }

            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>The spooled pushes in the order written; empty when there is no spool.</summary>
    public static IReadOnlyList<(XBeeAddress64 Radio, byte[] Frame)> Read(string path, int maxFrames, int maxFrameLength)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            return [];
        }

        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        Span<byte> magic = stackalloc byte[5];
        if (file.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false) != magic.Length || !magic.SequenceEqual(Magic))
        {
            throw new InvalidDataException($"{path} is no gateway push spool");
        }

        var frames = new List<(XBeeAddress64, byte[])>();
        Span<byte> header = stackalloc byte[12];
        while (true)
        {
            var read = file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
            if (read == 0)
            {
                return frames;
            }

            var length = BinaryPrimitives.ReadInt32BigEndian(header[8..]);
            if (read != header.Length || length < 1 || length > maxFrameLength || frames.Count == maxFrames)
            {
                throw new InvalidDataException($"{path}: push {frames.Count + 1} is truncated or out of bounds");
            }

            var frame = new byte[length];
            if (file.ReadAtLeast(frame, length, throwOnEndOfStream: false) != length)
            {
                throw new InvalidDataException($"{path}: push {frames.Count + 1} is truncated");
            }

            frames.Add((new XBeeAddress64(BinaryPrimitives.ReadUInt64BigEndian(header)), frame));
        }
    }
}
