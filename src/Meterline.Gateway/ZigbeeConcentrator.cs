using System.Collections.Concurrent;
using System.Threading.Channels;
using Meterline.Dlms;
using Meterline.Dlms.Links;
using Meterline.Dlms.Wrapper;
using Meterline.Zigbee;
using Meterline.Zigbee.Frames;

namespace Meterline.Gateway;

/// <summary>
/// Carries DLMS between the meters' radios and the head-end over one coordinator. Every Zigbee message is one
/// IEC 62056-47 wrapper frame (docs/zigbee.md). Frames from a meter addressed to a client wPort with an open session
/// (<see cref="OpenSession"/>) go to that session; every other frame is a push (the meters push to wPort 1, which no
/// client association uses) and goes to <see cref="Pushes"/>. A frame that is not a wrapper frame is counted and
/// dropped. One receive loop per node, started when the node is first heard of (discovery, join, or a session).
/// </summary>
public sealed class ZigbeeConcentrator : IAsyncDisposable
{
    private readonly XBeeCoordinator _coordinator;
    private readonly ZigbeeConcentratorOptions _options;
    private readonly TimeProvider _clock;
    private readonly ConcurrentDictionary<(XBeeAddress64 Node, ushort ClientWPort), DatagramWrapperLink> _sessions = new();
    private readonly Dictionary<XBeeAddress64, Task> _pumps = [];
    private readonly Channel<ZigbeePush> _pushes;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _joinLoop;
    private long _malformedFrames;
    private long _pushesDropped;
    private long _pushesReceived;
    private long _responsesRouted;
    private long _sessionsRefused;

    public ZigbeeConcentrator(XBeeCoordinator coordinator, ZigbeeConcentratorOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(coordinator);
        _coordinator = coordinator;
        _options = options ?? new ZigbeeConcentratorOptions();
        _clock = timeProvider ?? TimeProvider.System;
        _pushes = Channel.CreateBounded<ZigbeePush>(
            new BoundedChannelOptions(_options.PushQueueCapacity) { FullMode = BoundedChannelFullMode.DropWrite },
            _ => Interlocked.Increment(ref _pushesDropped));
        foreach (var node in coordinator.Nodes)
        {
            EnsurePump(node);
        }

        _joinLoop = WatchJoinsAsync();
    }

    public XBeeCoordinator Coordinator => _coordinator;

    /// <summary>Pushes from the meters, in arrival order.</summary>
    public ChannelReader<ZigbeePush> Pushes => _pushes.Reader;

    public long MalformedFrames => Interlocked.Read(ref _malformedFrames);

    public long PushesReceived => Interlocked.Read(ref _pushesReceived);

    /// <summary>Pushes dropped because nobody took them fast enough.</summary>
    public long PushesDropped => Interlocked.Read(ref _pushesDropped);

    public long ResponsesRouted => Interlocked.Read(ref _responsesRouted);

    /// <summary>Sessions refused: the node's client wPort was busy or too many sessions were open.</summary>
    public long SessionsRefused => Interlocked.Read(ref _sessionsRefused);

    public int OpenSessions => _sessions.Count(s => !s.Value.Completion.IsCompleted);

    /// <summary>Asks the network which nodes there are (<c>AT ND</c>) and starts listening to each.</summary>
    public async Task<IReadOnlyList<ZigbeeNodeLink>> DiscoverAsync(CancellationToken cancellationToken = default)
    {
        var found = await _coordinator.DiscoverNodesAsync(cancellationToken).ConfigureAwait(false);
        var nodes = new List<ZigbeeNodeLink>(found.Count);
        foreach (var response in found)
        {
            var node = _coordinator.GetNode(response.Address64);
            EnsurePump(node);
            nodes.Add(node);
        }

        return nodes;
    }

    /// <summary>
    /// Starts listening to the node at <paramref name="node"/> before it is heard of (a meter configured for a bridge,
    /// whose first frame may be the answer to a request sent to it).
    /// </summary>
    public void Listen(XBeeAddress64 node) => EnsurePump(_coordinator.GetNode(node));

    /// <summary>
    /// Opens a session from client wPort <paramref name="clientWPort"/> to the meter behind <paramref name="node"/>: an
    /// APDU link whose frames go to the meter's management logical device. Dispose the link to end the session. Throws
    /// <see cref="DlmsLinkException"/> when that node's client wPort already has a session or too many are open.
    /// </summary>
    public DatagramWrapperLink OpenSession(XBeeAddress64 node, ushort clientWPort)
    {
        if (clientWPort == _options.ServerWPort)
        {
            throw new ArgumentOutOfRangeException(nameof(clientWPort), clientWPort, "The client wPort must differ from the meters' push and server wPort.");
        }

        var radio = _coordinator.GetNode(node);
        EnsurePump(radio);
        var link = new DatagramWrapperLink(
            (datagram, cancellationToken) => new ValueTask(radio.SendAsync(datagram, cancellationToken)),
            clientWPort,
            _options.ServerWPort,
            _options.SessionQueueCapacity);
        var key = (node, clientWPort);
        if (OpenSessions >= _options.MaxSessions)
        {
            Interlocked.Increment(ref _sessionsRefused);
            throw new DlmsLinkException($"Too many Zigbee sessions are open ({_options.MaxSessions}).", isTransient: true);
        }

        while (true)
        {
            if (_sessions.TryAdd(key, link))
            {
                return link;
            }

            if (_sessions.TryGetValue(key, out var existing))
            {
                if (!existing.Completion.IsCompleted)
                {
                    Interlocked.Increment(ref _sessionsRefused);
                    throw new DlmsLinkException($"Node {node} already has a session from wPort {clientWPort}.", isTransient: true);
                }

                _sessions.TryRemove(KeyValuePair.Create(key, existing));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var session in _sessions.Values)
        {
            session.Complete();
        }

        try
        {
            Task[] pumps;
            lock (_pumps)
            {
                pumps = [.. _pumps.Values];
            }

            await Task.WhenAll([_joinLoop, .. pumps]).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _pushes.Writer.TryComplete();
        _stopping.Dispose();
    }

    private void EnsurePump(ZigbeeNodeLink node)
    {
        lock (_pumps)
        {
            if (!_stopping.IsCancellationRequested && !_pumps.ContainsKey(node.Address64))
            {
                _pumps[node.Address64] = Task.Run(() => PumpAsync(node));
            }
        }
    }

    private async Task WatchJoinsAsync()
    {
        try
        {
            await foreach (var join in _coordinator.Joins.ReadAllAsync(_stopping.Token).ConfigureAwait(false))
            {
                EnsurePump(join.Node);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (XBeeException)
        {
            // The coordinator stopped: its joins end with its error, which its Completion carries.
        }
    }

    private async Task PumpAsync(ZigbeeNodeLink node)
    {
        try
        {
            while (!_stopping.IsCancellationRequested)
            {
                var message = await node.ReceiveAsync(_stopping.Token).ConfigureAwait(false);
                Route(node.Address64, message);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (XBeeException)
        {
            // The coordinator stopped: the link has ended, and so has this node's loop.
        }
    }

    private void Route(XBeeAddress64 node, ReadOnlyMemory<byte> message)
    {
        WrapperFrame frame;
        try
        {
            frame = WrapperFrame.DecodeDatagram(message.Span);
        }
        catch (DlmsFormatException)
        {
            Interlocked.Increment(ref _malformedFrames);
            return;
        }

        if (_sessions.TryGetValue((node, frame.DestinationWPort), out var session) && !session.Completion.IsCompleted
            && frame.SourceWPort == _options.ServerWPort)
        {
            if (session.TryDeliver(frame.Apdu))
            {
                Interlocked.Increment(ref _responsesRouted);
            }

            return;
        }

        Interlocked.Increment(ref _pushesReceived);
        _pushes.Writer.TryWrite(new ZigbeePush(node, frame.SourceWPort, frame.DestinationWPort, frame.Apdu, _clock.GetUtcNow()));
    }
}
