using System.Buffers;
using Meterline.Zigbee.Frames;

namespace Meterline.Zigbee;

/// <summary>
/// Reads frames from a byte stream with an <see cref="XBeeFrameReader"/>, one at a time, so the caller may change
/// <see cref="XBeeFrameReader.Mode"/> between frames (after <c>ATAP</c>). The buffer holds at most two escaped frames
/// of the reader's maximum length. Not thread-safe: one reading loop.
/// </summary>
public sealed class XBeeFrameStreamReader
{
    private readonly Stream _stream;
    private readonly byte[] _buffer;
    private int _start;
    private int _end;

    public XBeeFrameStreamReader(Stream stream, XBeeFrameReader reader)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(reader);
        _stream = stream;
        Reader = reader;
        _buffer = new byte[Math.Max(4096, (2 * (reader.MaxFrameDataLength + 4)) + 1)];
    }

    public XBeeFrameReader Reader { get; }

    /// <summary>The next good frame, or null when the stream has ended.</summary>
    public async ValueTask<XBeeFrame?> ReadAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (_end > _start)
            {
                var pending = new ReadOnlySequence<byte>(_buffer, _start, _end - _start);
                var found = Reader.TryRead(ref pending, out var frame);
                _start = _end - (int)pending.Length;
                if (found)
                {
                    return frame;
                }
            }

            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            if (_end == _buffer.Length)
            {
                // Unreachable while the buffer holds two maximal escaped frames; drop rather than stall.
                _end = 0;
            }

            var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return null;
            }

            _end += read;
        }
    }
}
