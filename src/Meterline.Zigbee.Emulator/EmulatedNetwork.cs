using System.Collections.Concurrent;
using Meterline.Zigbee.Frames;

namespace Meterline.Zigbee.Emulator;

/// <summary>
/// The air side of the emulated coordinator: its nodes, and the radio work it does for the host — transmit requests
/// to a node or broadcast (answered with a Transmit Status), remote AT commands, node discovery and join
/// announcements. Run one at a time from the coordinator's radio queue.
/// </summary>
internal sealed class EmulatedNetwork(EmulatedCoordinator module)
{
    private readonly EmulatedCoordinator _module = module;
    private readonly ConcurrentDictionary<XBeeAddress64, EmulatedNode> _nodes = new();

    public IReadOnlyCollection<EmulatedNode> Nodes => [.. _nodes.Values];

    public bool TryAdd(EmulatedNode node) => _nodes.TryAdd(node.Address64, node);

    public bool TryGet(XBeeAddress64 address64, out EmulatedNode node) => _nodes.TryGetValue(address64, out node!);

    public async Task TransmitAsync(byte frameId, XBeeAddress64 destination64, XBeeAddress16 destination16, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var unknown16 = new XBeeAddress16(0xFFFD);
        if (data.Length > _module.Options.Link.MaxPayload)
        {
            await StatusAsync(frameId, unknown16, 0, DeliveryStatus.DataPayloadTooLarge, DiscoveryStatus.NoDiscoveryOverhead, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (destination64 == _module.Options.Address64)
        {
            await StatusAsync(frameId, unknown16, 0, DeliveryStatus.SelfAddressed, DiscoveryStatus.NoDiscoveryOverhead, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (destination64 == XBeeAddress64.Broadcast)
        {
            foreach (var each in _nodes.Values)
            {
                if (_module.Radio.Transmit(data.Length) is { Delivered: true })
                {
                    each.Deliver(data);
                }
            }

            await _module.DelayAsync(_module.Radio.Transmit(data.Length).Airtime, cancellationToken).ConfigureAwait(false);
            await StatusAsync(frameId, XBeeAddress16.Unknown, 0, DeliveryStatus.Success, DiscoveryStatus.NoDiscoveryOverhead, cancellationToken).ConfigureAwait(false);
            return;
        }

        var node = Find(destination64, destination16);
        var discovery = node is not null && node.Address16 == destination16 ? DiscoveryStatus.NoDiscoveryOverhead : DiscoveryStatus.AddressDiscovery;
        if (node is null)
        {
            await _module.DelayAsync(_module.Options.Link.PerHopDelay * _module.Options.Link.Hops * 2, cancellationToken).ConfigureAwait(false);
            await StatusAsync(frameId, unknown16, 0, DeliveryStatus.AddressNotFound, discovery, cancellationToken).ConfigureAwait(false);
            return;
        }

        var outcome = _module.Radio.Transmit(data.Length);
        await _module.DelayAsync(outcome.Airtime, cancellationToken).ConfigureAwait(false);
        if (outcome.Delivered)
        {
            node.Deliver(data.ToArray());
        }

        var success = outcome.Delivered && outcome.Acknowledged;
        await StatusAsync(
            frameId,
            success ? node.Address16 : unknown16,
            (byte)(outcome.Attempts - 1),
            success ? DeliveryStatus.Success : _module.FailureStatus,
            discovery,
            cancellationToken).ConfigureAwait(false);
    }

    private Task StatusAsync(byte frameId, XBeeAddress16 address16, byte retries, DeliveryStatus delivery, DiscoveryStatus discovery, CancellationToken cancellationToken) =>
        frameId == 0 ? Task.CompletedTask : _module.WriteFrameAsync(new TransmitStatus(frameId, address16, retries, delivery, discovery), cancellationToken);

    public async Task RemoteCommandAsync(RemoteAtCommandRequest request, CancellationToken cancellationToken)
    {
        var node = Find(request.Destination64, request.Destination16);
        var result = AtCommandResult.Fail(AtCommandStatus.TransmissionFailure);
        if (node is not null)
        {
            var there = _module.Radio.Transmit(request.Parameter.Length + 3);
            var back = _module.Radio.Transmit(8);
            await _module.DelayAsync(there.Airtime + back.Airtime, cancellationToken).ConfigureAwait(false);
            if (there.Delivered && back.Delivered)
            {
                result = node.AnswerRemote(request.Command, request.Parameter.Span);
            }
        }

        if (request.FrameId != 0)
        {
            await _module.WriteFrameAsync(
                new RemoteAtCommandResponse(
                    request.FrameId, node?.Address64 ?? request.Destination64, node?.Address16 ?? request.Destination16, request.Command, result.Status, result.Data),
                cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>ND: one response per node as it answers, then silence until NT has passed.</summary>
    public async Task DiscoverAsync(byte frameId, CancellationToken cancellationToken)
    {
        var started = _module.Time.GetTimestamp();
        foreach (var node in _nodes.Values)
        {
            var outcome = _module.Radio.Transmit(20);
            await _module.DelayAsync(outcome.Airtime, cancellationToken).ConfigureAwait(false);
            if (!outcome.Delivered || frameId == 0)
            {
                continue;
            }

            var response = new NodeDiscoveryResponse(
                node.Address16,
                node.Address64,
                node.NodeIdentifier,
                XBeeAddress16.Unknown,
                XBeeDeviceType.Router,
                0,
                NodeIdentificationIndicator.DefaultDigiProfileId,
                NodeIdentificationIndicator.DigiManufacturerId,
                ReadOnlyMemory<byte>.Empty);
            await _module.WriteFrameAsync(new AtCommandResponse(frameId, "ND", AtCommandStatus.Ok, response.Encode()), cancellationToken).ConfigureAwait(false);
        }

        var remaining = TimeSpan.FromMilliseconds(100 * _module.NodeDiscoveryTimeout) - _module.Time.GetElapsedTime(started);
        await _module.DelayAsync(remaining, cancellationToken).ConfigureAwait(false);
    }

    public Task AnnounceAsync(EmulatedNode node, CancellationToken cancellationToken) =>
        _module.WriteFrameAsync(
            new NodeIdentificationIndicator(
                node.Address64,
                node.Address16,
                ReceiveOptions.BroadcastPacket,
                node.Address16,
                node.Address64,
                node.NodeIdentifier,
                XBeeAddress16.Unknown,
                XBeeDeviceType.Router,
                NodeIdentificationEvent.Joined,
                NodeIdentificationIndicator.DefaultDigiProfileId,
                NodeIdentificationIndicator.DigiManufacturerId,
                ReadOnlyMemory<byte>.Empty),
            cancellationToken);

    private EmulatedNode? Find(XBeeAddress64 destination64, XBeeAddress16 destination16)
    {
        if (destination64 != XBeeAddress64.Unknown)
        {
            return _nodes.TryGetValue(destination64, out var node) ? node : null;
        }

        return _nodes.Values.FirstOrDefault(n => n.Address16 == destination16);
    }
}
