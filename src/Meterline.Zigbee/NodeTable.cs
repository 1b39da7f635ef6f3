using System.Collections.Concurrent;
using System.Threading.Channels;
using Meterline.Zigbee.Frames;

namespace Meterline.Zigbee;

/// <summary>
/// The coordinator's remote nodes: the 64-bit to 16-bit address table, one <see cref="ZigbeeNodeLink"/> each, capped
/// at a maximum count, and the bounded channel announcing nodes not known before. Thread-safe.
/// </summary>
internal sealed class NodeTable
{
    private readonly XBeeCoordinator _coordinator;
    private readonly int _maxNodes;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<XBeeAddress64, ZigbeeNodeLink> _nodes = new();
    private readonly Lock _lock = new();
    private readonly Channel<ZigbeeNodeJoin> _joins;
    private bool _closed;
    private Exception? _closeError;
    private long _refused;
    private long _joinDrops;

    public NodeTable(XBeeCoordinator coordinator, int maxNodes, int joinQueueCapacity, TimeProvider time)
    {
        _coordinator = coordinator;
        _maxNodes = maxNodes;
        _time = time;
        _joins = Channel.CreateBounded<ZigbeeNodeJoin>(
            new BoundedChannelOptions(joinQueueCapacity) { FullMode = BoundedChannelFullMode.DropWrite },
            _ => Interlocked.Increment(ref _joinDrops));
    }

    public ChannelReader<ZigbeeNodeJoin> Joins => _joins.Reader;

    public IReadOnlyCollection<ZigbeeNodeLink> Nodes => [.. _nodes.Values];

    /// <summary>Nodes refused because the table was full.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Join notifications dropped because the channel was full.</summary>
    public long JoinDrops => Interlocked.Read(ref _joinDrops);

    public bool TryGet(XBeeAddress64 address64, out ZigbeeNodeLink node) => _nodes.TryGetValue(address64, out node!);

    /// <summary>
    /// Updates the table from a frame naming a node; a node not known yet is added (and announced when
    /// <paramref name="reason"/> is given). Null when the table is full.
    /// </summary>
    public ZigbeeNodeLink? Observe(XBeeAddress64 address64, XBeeAddress16 address16, string? nodeIdentifier, NodeJoinReason? reason)
    {
        if (!_nodes.TryGetValue(address64, out var node))
        {
            node = Add(address64, address16, nodeIdentifier, out var created);
            if (node is null)
            {
                Interlocked.Increment(ref _refused);
                return null;
            }

            if (created && reason is { } why)
            {
                _joins.Writer.TryWrite(new ZigbeeNodeJoin(node, why, _time.GetUtcNow()));
            }

            return node;
        }

        if (!address16.IsUnknown)
        {
            node.Address16 = address16;
        }

        if (nodeIdentifier is not null)
        {
            node.NodeIdentifier = nodeIdentifier;
        }

        return node;
    }

    /// <summary>Ends every link (with <paramref name="error"/> when the stream failed) and the join channel.</summary>
    public void Close(Exception? error)
    {
        List<ZigbeeNodeLink> nodes;
        lock (_lock)
        {
            _closed = true;
            _closeError = error;
            nodes = [.. _nodes.Values];
        }

        foreach (var node in nodes)
        {
            node.Complete(error);
        }

        _joins.Writer.TryComplete(error);
    }

    private ZigbeeNodeLink? Add(XBeeAddress64 address64, XBeeAddress16 address16, string? nodeIdentifier, out bool created)
    {
        lock (_lock)
        {
            created = false;
            if (_nodes.TryGetValue(address64, out var node))
            {
                return node;
            }

            if (_nodes.Count >= _maxNodes)
            {
                return null;
            }

            node = new ZigbeeNodeLink(_coordinator, address64, address16, nodeIdentifier);
            _nodes[address64] = node;
            created = true;
            if (_closed)
            {
                // A node added after the coordinator stopped gets a link that has already ended.
                node.Complete(_closeError);
            }

            return node;
        }
    }
}
