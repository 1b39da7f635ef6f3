using System.Threading.Channels;
using Meterline.Zigbee.Frames;
using Meterline.Zigbee.Segmentation;

namespace Meterline.Zigbee;

/// <summary>
/// A remote node as a datagram link carrying whole messages: <see cref="SendAsync"/> segments a message into RF
/// payloads of at most the module's <c>NP</c> bytes and sends each with bounded retries; <see cref="ReceiveAsync"/>
/// returns reassembled messages from a bounded queue (messages beyond it are counted and dropped).
/// <see cref="Completion"/> ends when the coordinator stops. Created by <see cref="XBeeCoordinator"/>.
/// </summary>
public sealed class ZigbeeNodeLink
{
    private readonly XBeeCoordinator _coordinator;
    private readonly Channel<ReadOnlyMemory<byte>> _received;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Segmenter? _segmenter;
    private int _address16;
    private string? _nodeIdentifier;
    private long _receiveDrops;
    private long _messagesReceived;
    private long _messagesSent;

    internal ZigbeeNodeLink(XBeeCoordinator coordinator, XBeeAddress64 address64, XBeeAddress16 address16, string? nodeIdentifier)
    {
        _coordinator = coordinator;
        Address64 = address64;
        _address16 = address16.Value;
        _nodeIdentifier = nodeIdentifier;
        _received = Channel.CreateBounded<ReadOnlyMemory<byte>>(
            new BoundedChannelOptions(coordinator.Options.NodeReceiveQueueCapacity)
            {
                FullMode = BoundedChannelFullMode.DropWrite,
                SingleReader = false,
                SingleWriter = true,
            },
            _ => Interlocked.Increment(ref _receiveDrops));
    }

    public XBeeAddress64 Address64 { get; }

    /// <summary>The node's network address as last seen (0xFFFE until known); it changes when the node rejoins.</summary>
    public XBeeAddress16 Address16
    {
        get => new((ushort)Volatile.Read(ref _address16));
        internal set => Volatile.Write(ref _address16, value.Value);
    }

    /// <summary>The node identifier (<c>NI</c>), when the node announced or was discovered with it.</summary>
    public string? NodeIdentifier
    {
        get => Volatile.Read(ref _nodeIdentifier);
        internal set => Volatile.Write(ref _nodeIdentifier, value);
    }

    /// <summary>The largest message <see cref="SendAsync"/> takes.</summary>
    public int MaxMessageSize => Segmenter.MaxMessageSize;

    /// <summary>Whole messages dropped because the receive queue was full.</summary>
    public long ReceiveDrops => Interlocked.Read(ref _receiveDrops);

    /// <summary>Whole messages that arrived from the node, those dropped by a full queue included.</summary>
    public long MessagesReceived => Interlocked.Read(ref _messagesReceived);

    /// <summary>Whole messages delivered to the node (every segment acknowledged).</summary>
    public long MessagesSent => Interlocked.Read(ref _messagesSent);

    /// <summary>Completes when the coordinator stops; faulted with the reason when the serial link was lost.</summary>
    public Task Completion => _completion.Task;

    /// <summary>
    /// Sends one whole message, segment by segment, each with the coordinator's bounded retries. Throws
    /// <see cref="XBeeDeliveryException"/> when a segment is not delivered after them, and
    /// <see cref="ArgumentException"/> for a message over <see cref="MaxMessageSize"/>.
    /// </summary>
    public async Task SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
    {
        var segments = Segmenter.Split(message.Span);
        foreach (var segment in segments)
        {
            await _coordinator.TransmitToAsync(this, segment, cancellationToken).ConfigureAwait(false);
        }

        Interlocked.Increment(ref _messagesSent);
    }

    /// <summary>The next whole message from the node. Throws <see cref="XBeeException"/> once the link has ended.</summary>
    public async ValueTask<ReadOnlyMemory<byte>> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await _received.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException e)
        {
            throw new XBeeException($"The link to {Address64} has ended.", isTransient: true, e.InnerException ?? e);
        }
    }

    public bool TryReceive(out ReadOnlyMemory<byte> message) => _received.Reader.TryRead(out message);

    public override string ToString() => NodeIdentifier is { Length: > 0 } ni ? $"{Address64} ({ni})" : Address64.ToString();

    /// <summary>Created on first use: a node may be heard from before the module's NP is known.</summary>
    private Segmenter Segmenter =>
        LazyInitializer.EnsureInitialized(ref _segmenter, () => new Segmenter(_coordinator.MaxPayload, _coordinator.Options.Reassembly.MaxMessageSize));

    internal void Deliver(byte[] message)
    {
        // A full queue drops the message (counted by the channel's callback); a completed one refuses it.
        Interlocked.Increment(ref _messagesReceived);
        _received.Writer.TryWrite(message);
    }

    internal void Complete(Exception? error)
    {
        _received.Writer.TryComplete(error);
        if (error is null)
        {
            _completion.TrySetResult();
        }
        else
        {
            _completion.TrySetException(error);
        }
    }
}
