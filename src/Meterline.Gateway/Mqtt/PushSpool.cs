using System.Buffers.Binary;
using System.Globalization;

namespace Meterline.Gateway.Mqtt;

/// <summary>
/// The gateway's durable spool: every push is appended here, and flushed to disk (<see cref="Flush"/>, fsync), before
/// the gateway goes on to publish it; it is marked published after the broker's PUBACK. At the next start the pushes
/// not marked published are read back (<see cref="Pending"/>) and published first, so a gateway killed at any moment
/// (SIGKILL, power) loses no push it had flushed; one published just before a kill may be published again, and the
/// head-end's replay check drops the second copy.
/// <para>
/// Layout: the magic <c>MLGS</c> and version 2, then records, each the length of its body (4 bytes, big endian), the
/// CRC-32 of its body (<see cref="Crc32"/>, 4 bytes) and the body: a kind (1 = push, 2 = published), the push's
/// sequence number (8 bytes), and for a push the meter's system title (8 bytes) and the wrapper frame. Reading stops at
/// the first record that is cut short, fails its check or is out of bounds (a write torn by a crash): it is counted in
/// <see cref="TornRecords"/>, the file is cut there, and the gateway goes on. A file that is no spool is refused.
/// </para>
/// <para>
/// Bounded: at most <c>maxBytes</c> on disk. When every push has been published the file is cut back to its header;
/// when it is over half its bound and mostly published pushes, or full, it is compacted (the pending pushes written
/// to a new file, flushed, and renamed over it, so a crash leaves the old spool or the new, whole). A push that does
/// not fit even then is refused (<see cref="Append"/> returns null) and counted by the caller.
/// </para>
/// Thread-safe: the spooling loop appends and flushes while the publishing loop marks pushes published.
/// </summary>
public sealed class PushSpool : IDisposable
{
    public const int HeaderLength = 5;

    private const int RecordHeaderLength = 8;
    private const int PublishedBodyLength = 9;
    private const int PushBodyHeaderLength = 17;
    private const byte PushKind = 1;
    private const byte PublishedKind = 2;

    private readonly Lock _gate = new();
    private readonly string _path;
    private readonly long _maxBytes;
    private readonly int _maxFrameLength;
    private readonly SortedDictionary<long, SpooledPush> _pending = [];
    private FileStream _file;
    private long _pendingBytes;
    private long _nextSequence;
    private long _compactions;
    private bool _dirty;
    private bool _disposed;

    private PushSpool(string path, FileStream file, long maxBytes, int maxFrameLength)
    {
        _path = path;
        _file = file;
        _maxBytes = maxBytes;
        _maxFrameLength = maxFrameLength;
    }

    private static ReadOnlySpan<byte> Magic => "MLGS\u0002"u8;

    /// <summary>Records found cut short or damaged when the spool was opened (and cut off).</summary>
    public long TornRecords { get; private set; }

    /// <summary>Bytes cut off at the end of the spool when it was opened: the torn record and anything after it.</summary>
    public long DiscardedBytes { get; private set; }

    public long Compactions => Interlocked.Read(ref _compactions);

    /// <summary>The spool's size on disk (including what is not yet flushed).</summary>
    public long Length
    {
        get
        {
            lock (_gate)
            {
                return _disposed ? 0 : _file.Length;
            }
        }
    }

    public int PendingCount
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>The pushes not yet published, in the order they were appended.</summary>
    public IReadOnlyList<SpooledPush> Pending
    {
        get
        {
            lock (_gate)
            {
                return [.. _pending.Values];
            }
        }
    }

    /// <summary>
    /// Opens (or creates) the spool at <paramref name="path"/> and reads what it holds. Throws
    /// <see cref="InvalidDataException"/> when the file is not a spool (left as it is).
    /// </summary>
    public static PushSpool Open(string path, long maxBytes, int maxFrameLength)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFrameLength, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, HeaderLength + RecordHeaderLength + PushBodyHeaderLength + (long)maxFrameLength);
        var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        try
        {
            var spool = new PushSpool(path, file, maxBytes, maxFrameLength);
            spool.Load();
            return spool;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Appends a push (not yet on disk: <see cref="Flush"/> makes it durable); null when the spool is full even after
    /// compaction.
    /// </summary>
    public SpooledPush? Append(string systemTitle, byte[] frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (frame.Length < 1 || frame.Length > _maxFrameLength)
        {
            throw new ArgumentOutOfRangeException(nameof(frame), frame.Length, "The frame is empty or longer than the spool's bound.");
        }

        var title = ulong.Parse(systemTitle, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        var record = new byte[RecordHeaderLength + PushBodyHeaderLength + frame.Length];
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_file.Length + record.Length > _maxBytes)
            {
                Compact();
                if (_file.Length + record.Length > _maxBytes)
                {
                    return null;
                }
            }

            var push = new SpooledPush(_nextSequence++, systemTitle, frame);
            var body = record.AsSpan(RecordHeaderLength);
            body[0] = PushKind;
            BinaryPrimitives.WriteInt64BigEndian(body[1..], push.Sequence);
            BinaryPrimitives.WriteUInt64BigEndian(body[9..], title);
            frame.CopyTo(body[PushBodyHeaderLength..]);
            Seal(record);
            _file.Write(record);
            _dirty = true;
            _pending.Add(push.Sequence, push);
            _pendingBytes += record.Length;
            return push;
        }
    }

    /// <summary>Writes what was appended to the disk and waits until it is there (fsync).</summary>
    public void Flush()
    {
        lock (_gate)
        {
            if (_dirty && !_disposed)
            {
                _file.Flush(flushToDisk: true);
                _dirty = false;
            }
        }
    }

    /// <summary>
    /// Marks a push published (the broker acknowledged it). Not flushed on its own: should the mark be lost in a
    /// crash, the push is published again and dropped by the head-end as a replay.
    /// </summary>
    public void MarkPublished(long sequence)
    {
        lock (_gate)
        {
            if (_disposed || !_pending.Remove(sequence, out var push))
            {
                return;
            }

            _pendingBytes -= RecordHeaderLength + PushBodyHeaderLength + push.Frame.Length;
            if (_pending.Count == 0)
            {
                // Everything published: the records are no longer needed.
                _file.SetLength(HeaderLength);
                _file.Position = HeaderLength;
                _dirty = true;
                return;
            }

            var record = new byte[RecordHeaderLength + PublishedBodyLength];
            if (_file.Length + record.Length > _maxBytes || (_file.Length > _maxBytes / 2 && _pendingBytes * 4 < _file.Length))
            {
                // Mostly published pushes, or no room for the mark: the pending ones alone make a new spool.
                Compact();
                return;
            }

            record[RecordHeaderLength] = PublishedKind;
            BinaryPrimitives.WriteInt64BigEndian(record.AsSpan(RecordHeaderLength + 1), sequence);
            Seal(record);
            _file.Write(record);
            _dirty = true;
        }
    }

    /// <summary>Flushes and closes the spool; removes the file when nothing is pending.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _file.Flush(flushToDisk: true);
            _file.Dispose();
            if (_pending.Count == 0)
            {
                File.Delete(_path);
            }
        }
    }

    /// <summary>Closes the file as a killed process leaves it: what was flushed stays, nothing is removed (for tests).</summary>
    internal void Abandon()
    {
        lock (_gate)
        {
            _disposed = true;
            _file.Dispose();
        }
    }

    private static void Seal(Span<byte> record)
    {
        var body = record[RecordHeaderLength..];
        BinaryPrimitives.WriteInt32BigEndian(record, body.Length);
        BinaryPrimitives.WriteUInt32BigEndian(record[4..], Crc32.Compute(body));
    }

    private void Load()
    {
        if (_file.Length == 0)
        {
            _file.Write(Magic);
            _file.Flush(flushToDisk: true);
            return;
        }

        Span<byte> magic = stackalloc byte[HeaderLength];
        if (_file.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false) != magic.Length || !magic[..4].SequenceEqual(Magic[..4]))
        {
            throw new InvalidDataException($"{_path} is no gateway push spool");
        }

        if (magic[4] != Magic[4])
        {
            throw new InvalidDataException($"{_path} is a version {magic[4]} gateway push spool; this gateway reads version {Magic[4]}");
        }

        var position = (long)HeaderLength;
        Span<byte> header = stackalloc byte[RecordHeaderLength];
        var maxBody = PushBodyHeaderLength + _maxFrameLength;
        while (true)
        {
            var read = _file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
            if (read == 0)
            {
                break;
            }

            var length = BinaryPrimitives.ReadInt32BigEndian(header);
            if (read != header.Length || length < PublishedBodyLength || length > maxBody)
            {
                CutAt(position);
                break;
            }

            var body = new byte[length];
            if (_file.ReadAtLeast(body, length, throwOnEndOfStream: false) != length
                || Crc32.Compute(body) != BinaryPrimitives.ReadUInt32BigEndian(header[4..])
                || !TryApply(body))
            {
                CutAt(position);
                break;
            }

            position += RecordHeaderLength + length;
        }

        _file.Position = _file.Length;
        if (_pending.Count == 0 && _file.Length > HeaderLength)
        {
            _file.SetLength(HeaderLength);
            _file.Flush(flushToDisk: true);
        }
    }

    private bool TryApply(byte[] body)
    {
        var sequence = BinaryPrimitives.ReadInt64BigEndian(body.AsSpan(1));
        switch (body[0])
        {
            case PushKind when body.Length > PushBodyHeaderLength && sequence >= 0 && !_pending.ContainsKey(sequence):
                var title = BinaryPrimitives.ReadUInt64BigEndian(body.AsSpan(9)).ToString("X16", CultureInfo.InvariantCulture);
                _pending.Add(sequence, new SpooledPush(sequence, title, body[PushBodyHeaderLength..]));
                _pendingBytes += RecordHeaderLength + body.Length;
                break;
            case PublishedKind when body.Length == PublishedBodyLength:
                if (_pending.Remove(sequence, out var push))
                {
                    _pendingBytes -= RecordHeaderLength + PushBodyHeaderLength + push.Frame.Length;
                }

                break;
            default:
                return false;
        }

        _nextSequence = Math.Max(_nextSequence, sequence + 1);
        return true;
    }

    private void CutAt(long position)
    {
        TornRecords++;
        DiscardedBytes = _file.Length - position;
        _file.SetLength(position);
        _file.Flush(flushToDisk: true);
    }

    /// <summary>Rewrites the spool with only the pending pushes: a new file, flushed, renamed over the old one.</summary>
    private void Compact()
    {
        var temporary = _path + ".tmp";
        var file = new FileStream(temporary, FileMode.Create, FileAccess.ReadWrite, FileShare.None);
        try
        {
            file.Write(Magic);
            foreach (var push in _pending.Values)
            {
                var record = new byte[RecordHeaderLength + PushBodyHeaderLength + push.Frame.Length];
                var body = record.AsSpan(RecordHeaderLength);
                body[0] = PushKind;
                BinaryPrimitives.WriteInt64BigEndian(body[1..], push.Sequence);
                BinaryPrimitives.WriteUInt64BigEndian(body[9..], ulong.Parse(push.SystemTitle, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture));
                push.Frame.CopyTo(body[PushBodyHeaderLength..]);
                Seal(record);
                file.Write(record);
            }

            file.Flush(flushToDisk: true);
        }
        catch
        {
            file.Dispose();
            File.Delete(temporary);
            throw;
        }

        _file.Flush(flushToDisk: true);
        _file.Dispose();
        File.Move(temporary, _path, overwrite: true);
        _file = file;
        _file.Position = _file.Length;
        _dirty = false;
        Interlocked.Increment(ref _compactions);
    }
}
