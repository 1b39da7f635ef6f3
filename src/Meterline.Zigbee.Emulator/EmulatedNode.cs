using System.Buffers.Binary;
using System.Text;
using System.Threading.Channels;
using Meterline.Zigbee.Frames;
using Meterline.Zigbee.Segmentation;

namespace Meterline.Zigbee.Emulator;

/// <summary>
/// A remote XBee node of the emulated network, used as a meter's radio. <see cref="SendAsync"/> sends one RF payload
/// (at most <c>NP</c> bytes) to the coordinator, which hands it to the PC as a Receive Packet (0x90); the result is the
/// delivery status the node's own module would report. <see cref="ReceiveAsync"/> returns the payloads the PC sent it.
/// <see cref="SendMessageAsync"/> and <see cref="ReceiveMessageAsync"/> carry whole messages with the
/// <see cref="Segmenter"/> and <see cref="Reassembler"/>; use either the payload or the message receive side, not both.
/// </summary>
public sealed class EmulatedNode
{
    private readonly EmulatedCoordinator _coordinator;
    private readonly Channel<ReadOnlyMemory<byte>> _received;
    private readonly Segmenter _segmenter;
    private long _receiveDrops;
    private long _payloadsReceived;
    private long _payloadsSent;

    internal EmulatedNode(EmulatedCoordinator coordinator, XBeeAddress64 address64, XBeeAddress16 address16, string nodeIdentifier, TimeProvider time)
    {
        _coordinator = coordinator;
        Address64 = address64;
        Address16 = address16;
        NodeIdentifier = nodeIdentifier;
        _segmenter = new Segmenter(coordinator.Options.Link.MaxPayload);
        Reassembler = new Reassembler(new ReassemblerOptions(), time);
        _received = Channel.CreateBounded<ReadOnlyMemory<byte>>(
            new BoundedChannelOptions(coordinator.Options.NodeReceiveQueueCapacity) { FullMode = BoundedChannelFullMode.DropWrite },
            _ => Interlocked.Increment(ref _receiveDrops));
    }

    public XBeeAddress64 Address64 { get; }

    public XBeeAddress16 Address16 { get; }

    public string NodeIdentifier { get; }

    /// <summary>The largest RF payload, the coordinator's <c>NP</c>.</summary>
    public int MaxPayload => _coordinator.Options.Link.MaxPayload;

    /// <summary>The reassembly of messages from the PC, with its counters.</summary>
    public Reassembler Reassembler { get; }

    /// <summary>Payloads dropped because nobody read them and the queue was full.</summary>
    public long ReceiveDrops => Interlocked.Read(ref _receiveDrops);

    /// <summary>Payloads that reached the node, those dropped by a full queue included.</summary>
    public long PayloadsReceived => Interlocked.Read(ref _payloadsReceived);

    public long PayloadsSent => Interlocked.Read(ref _payloadsSent);

    /// <summary>
    /// Sends one RF payload to the coordinator over the link model; returns what the node's module would report:
    /// success, a failure after its MAC retries, or <see cref="DeliveryStatus.DataPayloadTooLarge"/>.
    /// </summary>
    public async Task<DeliveryStatus> SendAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        if (payload.Length > MaxPayload)
        {
            return DeliveryStatus.DataPayloadTooLarge;
        }

        var outcome = _coordinator.Radio.Transmit(payload.Length);
        await _coordinator.DelayAsync(outcome.Airtime, cancellationToken).ConfigureAwait(false);
        if (outcome.Delivered)
        {
            await _coordinator.WriteFrameAsync(
                new ReceivePacket(Address64, Address16, ReceiveOptions.PacketAcknowledged, payload.ToArray()), cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref _payloadsSent);
        }

        return outcome.Delivered && outcome.Acknowledged ? DeliveryStatus.Success : _coordinator.FailureStatus;
    }

    /// <summary>The next RF payload the PC sent to this node.</summary>
    public ValueTask<ReadOnlyMemory<byte>> ReceiveAsync(CancellationToken cancellationToken = default) =>
        _received.Reader.ReadAsync(cancellationToken);

    public bool TryReceive(out ReadOnlyMemory<byte> payload) => _received.Reader.TryRead(out payload);

    /// <summary>
    /// Sends a whole message in segments, each retried up to <see cref="EmulatedCoordinatorOptions.NodeMessageRetries"/>
    /// times; throws <see cref="XBeeDeliveryException"/> when a segment never gets through.
    /// </summary>
    public async Task SendMessageAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
    {
        foreach (var segment in _segmenter.Split(message.Span))
        {
            var status = DeliveryStatus.Success;
            for (var attempt = 0; attempt <= _coordinator.Options.NodeMessageRetries; attempt++)
            {
                status = await SendAsync(segment, cancellationToken).ConfigureAwait(false);
                if (status == DeliveryStatus.Success)
                {
                    break;
                }
            }

            if (status != DeliveryStatus.Success)
            {
                throw new XBeeDeliveryException($"Node {Address64} could not deliver a segment to the coordinator: {status}.");
            }
        }
    }

    /// <summary>The next whole message from the PC, reassembled from the payloads received.</summary>
    public async Task<byte[]> ReceiveMessageAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var payload = await ReceiveAsync(cancellationToken).ConfigureAwait(false);
            if (Reassembler.Accept(_coordinator.Options.Address64, payload.Span, out var message) == SegmentOutcome.MessageComplete)
            {
                return message!;
            }
        }
    }

    public override string ToString() => $"{Address64} ({NodeIdentifier})";

    internal void Deliver(ReadOnlyMemory<byte> payload)
    {
        Interlocked.Increment(ref _payloadsReceived);
        _received.Writer.TryWrite(payload);
    }

    /// <summary>The node's answer to a remote AT command: its addresses and identifier.</summary>
    internal AtCommandResult AnswerRemote(string command, ReadOnlySpan<byte> parameter)
    {
        if (!parameter.IsEmpty)
        {
            return AtCommandResult.Fail(AtCommandStatus.Error);
        }

        var value = new byte[4];
        switch (command)
        {
            case "SH":
                BinaryPrimitives.WriteUInt32BigEndian(value, Address64.High);
                return AtCommandResult.Ok(value);
            case "SL":
                BinaryPrimitives.WriteUInt32BigEndian(value, Address64.Low);
                return AtCommandResult.Ok(value);
            case "MY":
                return AtCommandResult.Ok(Address16.Encode());
            case "NI":
                return AtCommandResult.Ok(Encoding.Latin1.GetBytes(NodeIdentifier));
            default:
                return AtCommandResult.Fail(AtCommandStatus.InvalidCommand);
        }
    }

    internal void Complete() => _received.Writer.TryComplete();
}
