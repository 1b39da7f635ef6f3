using System.Buffers;
using Meterline.Zigbee.Frames;

namespace Meterline.Zigbee;

/// <summary>
/// Reads frames from a byte stream with an <see cref="XBeeFrameReader"/>, one at a time. The API mode is asked of
/// <c>mode</c> before each parse, so a switch (after <c>ATAP</c>) applies to the very next bytes. The buffer holds at most two escaped frames
/// of the reader's maximum length. Not thread-safe: one reading loop.
/// </summary>
public sealed class XBeeFrameStreamReader
{
    private readonly Stream _stream;
    private readonly Func<XBeeApiMode>? _mode;
    private readonly byte[] _buffer;
    private int _start;
    private int _end;

    /// <param name="stream">The byte stream.</param>
    /// <param name="reader">The frame reader, with its bound and counters.</param>
    /// <param name="mode">The current API mode; null keeps the reader's own.</param>
    public XBeeFrameStreamReader(Stream stream, XBeeFrameReader reader, Func<XBeeApiMode>? mode = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(reader);
        _stream = stream;
        _mode = mode;
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
                if (_mode is not null)
                {
                    Reader.Mode = _mode();
                }

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
