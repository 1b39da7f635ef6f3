using Meterline.Zigbee.Frames;

namespace Meterline.Zigbee.Segmentation;

/// <summary>
/// Joins the payloads of a <see cref="Segmenter"/> back into messages, per (source node, message id), in any order.
/// Bounded by <see cref="ReassemblerOptions"/>: message size, messages in progress per source and in total, a time-out
/// (through <see cref="TimeProvider"/>) after which a message in progress is dropped, and a short memory of completed
/// message ids so a repeated segment does not deliver a message twice. Every refusal is a counted
/// <see cref="SegmentOutcome"/>, never an exception. Thread-safe.
/// </summary>
public sealed class Reassembler
{
    private readonly ReassemblerOptions _options;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly Dictionary<(XBeeAddress64 Source, byte Id), PartialMessage> _partials = [];
    private readonly Dictionary<XBeeAddress64, int> _partialsPerSource = [];
    private readonly Dictionary<XBeeAddress64, RecentIds> _recent = [];

    public Reassembler(ReassemblerOptions? options = null, TimeProvider? timeProvider = null)
    {
        _options = options ?? new ReassemblerOptions();
        _options.Validate();
        _time = timeProvider ?? TimeProvider.System;
    }

    public ReassemblerOptions Options => _options;

    public long MessagesCompleted { get; private set; }

    public long Duplicates { get; private set; }

    public long MalformedSegments { get; private set; }

    public long OutOfRangeSegments { get; private set; }

    /// <summary>Messages dropped because they grew past the maximum size.</summary>
    public long OversizeMessages { get; private set; }

    /// <summary>Segments refused because too many messages were in progress.</summary>
    public long LimitRefusals { get; private set; }

    /// <summary>Messages in progress dropped by the time-out.</summary>
    public long TimedOut { get; private set; }

    /// <summary>Messages in progress now.</summary>
    public int PartialCount
    {
        get
        {
            lock (_lock)
            {
                return _partials.Count;
            }
        }
    }

    /// <summary>
    /// Takes one RF payload from <paramref name="source"/>. On <see cref="SegmentOutcome.MessageComplete"/>,
    /// <paramref name="message"/> is the whole message; otherwise it is null.
    /// </summary>
    public SegmentOutcome Accept(XBeeAddress64 source, ReadOnlySpan<byte> segment, out byte[]? message)
    {
        message = null;
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            PurgeExpired(now);
            if (!SegmentHeader.TryDecode(segment, out var header))
            {
                MalformedSegments++;
                return SegmentOutcome.Malformed;
            }

            var data = segment[SegmentHeader.Length..];
            if (IsRecent(source, header.MessageId, now))
            {
                Duplicates++;
                return SegmentOutcome.Duplicate;
            }

            var key = (source, header.MessageId);
            if (!_partials.TryGetValue(key, out var partial))
            {
                if (data.Length > _options.MaxMessageSize)
                {
                    OversizeMessages++;
                    return SegmentOutcome.TooLarge;
                }

                if (header.IsLast && header.Index == 0)
                {
                    return Complete(source, header.MessageId, data.ToArray(), now, out message);
                }

                _partialsPerSource.TryGetValue(source, out var count);
                if (count >= _options.MaxPartialsPerSource || _partials.Count >= _options.MaxPartialsTotal)
                {
                    LimitRefusals++;
                    return SegmentOutcome.LimitReached;
                }

                partial = new PartialMessage(now);
                _partials.Add(key, partial);
                _partialsPerSource[source] = count + 1;
            }

            if (partial.IsOutOfRange(header))
            {
                OutOfRangeSegments++;
                return SegmentOutcome.OutOfRange;
            }

            if (partial.Has(header.Index))
            {
                Duplicates++;
                return SegmentOutcome.Duplicate;
            }

            if (partial.Bytes + data.Length > _options.MaxMessageSize)
            {
                Remove(key);
                OversizeMessages++;
                return SegmentOutcome.TooLarge;
            }

            partial.Add(header, data);
            if (!partial.IsComplete)
            {
                return SegmentOutcome.Accepted;
            }

            Remove(key);
            return Complete(source, header.MessageId, partial.Join(), now, out message);
        }
    }

    /// <summary>Drops the messages in progress older than the time-out; returns how many.</summary>
    public int PurgeExpired()
    {
        lock (_lock)
        {
            return PurgeExpired(_time.GetTimestamp());
        }
    }

    private SegmentOutcome Complete(XBeeAddress64 source, byte id, byte[] whole, long now, out byte[]? message)
    {
        Remember(source, id, now);
        MessagesCompleted++;
        message = whole;
        return SegmentOutcome.MessageComplete;
    }

    private int PurgeExpired(long now)
    {
        List<(XBeeAddress64, byte)>? expired = null;
        foreach (var (key, partial) in _partials)
        {
            if (_time.GetElapsedTime(partial.Started, now) >= _options.Timeout)
            {
                (expired ??= []).Add(key);
            }
        }

        if (expired is null)
        {
            return 0;
        }

        foreach (var key in expired)
        {
            Remove(key);
        }

        TimedOut += expired.Count;
        return expired.Count;
    }

    private void Remove((XBeeAddress64 Source, byte Id) key)
    {
        _partials.Remove(key);
        if (_partialsPerSource.TryGetValue(key.Source, out var count))
        {
            if (count <= 1)
            {
                _partialsPerSource.Remove(key.Source);
            }
            else
            {
                _partialsPerSource[key.Source] = count - 1;
            }
        }
    }

    private bool IsRecent(XBeeAddress64 source, byte id, long now) =>
        _recent.TryGetValue(source, out var recent)
        && _time.GetElapsedTime(recent.LastUsed, now) < _options.Timeout
        && recent.Contains(id);

    private void Remember(XBeeAddress64 source, byte id, long now)
    {
        if (_options.RecentMessagesPerSource == 0)
        {
            return;
        }

        if (!_recent.TryGetValue(source, out var recent))
        {
            if (_recent.Count >= _options.MaxSources)
            {
                EvictRecent(now);
            }

            recent = new RecentIds(_options.RecentMessagesPerSource);
            _recent.Add(source, recent);
        }

        recent.Add(id, now);
    }

    /// <summary>Forgets expired sources, or else the least recently used one.</summary>
    private void EvictRecent(long now)
    {
        var oldest = default(XBeeAddress64);
        var oldestTime = long.MaxValue;
        List<XBeeAddress64>? expired = null;
        foreach (var (source, recent) in _recent)
        {
            if (_time.GetElapsedTime(recent.LastUsed, now) >= _options.Timeout)
            {
                (expired ??= []).Add(source);
            }
            else if (recent.LastUsed < oldestTime)
            {
                oldest = source;
                oldestTime = recent.LastUsed;
            }
        }

        if (expired is not null)
        {
            foreach (var source in expired)
            {
                _recent.Remove(source);
            }
        }
        else
        {
            _recent.Remove(oldest);
        }
    }
}
