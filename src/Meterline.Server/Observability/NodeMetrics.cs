using System.Diagnostics.Metrics;
using Meterline.Server.Hosting;

namespace Meterline.Server.Observability;

/// <summary>
/// Gauges of a running node (meter <see cref="MeterName"/>), read when scraped: ingest queue depths, open and
/// unauthenticated connections, UDP push datagrams dropped on a full receive queue, registered meters, commands running, the analytics' held windows (docs/observability.md). The counters live
/// with their subsystems (<c>Meterline.HeadEnd.Ingest</c>, <c>.Commands</c>, <c>.Northbound</c>).
/// </summary>
public sealed class NodeMetrics : IDisposable
{
    public const string MeterName = "Meterline.HeadEnd.Node";

    private readonly System.Diagnostics.Metrics.Meter _meter;

    public NodeMetrics(HeadEndNode node, IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(MeterName);
        var pipeline = node.Pipeline;
        _meter.CreateObservableGauge("meterline.ingest.queue.depth", () => new[]
        {
            new Measurement<int>(pipeline.QueuedUsage, new KeyValuePair<string, object?>("queue", "usage")),
            new Measurement<int>(pipeline.QueuedPriority, new KeyValuePair<string, object?>("queue", "priority")),
        }, "{push}", "Authenticated pushes waiting for the batch writer, by queue.");
        var gate = node.ConnectionGate;
        _meter.CreateObservableGauge("meterline.connections.open", () => gate.Open, "{connection}", "Inbound meter connections open (wrapper, MQTT).");
        _meter.CreateObservableGauge("meterline.connections.unauthenticated", () => gate.Unauthenticated, "{connection}", "Open connections that have not yet delivered an authenticated frame.");
        _meter.CreateObservableGauge("meterline.meters.registered", () => pipeline.Directory.Count, "{meter}", "Meters the ingress guard knows.");
        var push = node.PushReceiver;
        _meter.CreateObservableCounter("meterline.push.udp.dropped", () => push.UdpQueueFullDrops, "{datagram}", "UDP wrapper datagrams read and dropped because the receive queue was full (lost by the node, not the kernel).");
        _meter.CreateObservableGauge("meterline.push.udp.queue.depth", () => push.UdpQueueDepth, "{datagram}", "UDP wrapper datagrams read and waiting to be decoded.");
        var dispatcher = node.Dispatcher;
        _meter.CreateObservableGauge("meterline.commands.running", () => dispatcher.Running, "{command}", "Commands being carried out now.");
        _meter.CreateObservableCounter("meterline.commands.errors", () => dispatcher.Errors, "{error}", "Dispatcher passes or commands that failed on an unexpected error (store or audit unavailable).");
        if (node.Analytics?.Windows is { } windows)
        {
            _meter.CreateObservableCounter("meterline.analytics.windows.hits", () => windows.Hits, "{window}", "Live analytics windows taken from the held windows in memory.");
            _meter.CreateObservableCounter("meterline.analytics.windows.misses", () => windows.Misses, "{window}", "Live analytics windows read from the store (meter not held, or not over the span asked).");
            _meter.CreateObservableCounter("meterline.analytics.windows.evictions", () => windows.Evictions, "{meter}", "Held windows evicted to keep within --analytics-window-memory.");
            _meter.CreateObservableGauge("meterline.analytics.windows.held", () => windows.BytesHeld, "By", "Estimated bytes of the held analytics windows.");
        }
    }

    public void Dispose() => _meter.Dispose();
}
