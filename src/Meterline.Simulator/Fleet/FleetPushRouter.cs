using Meterline.Meter.Push;

namespace Meterline.Simulator.Fleet;

/// <summary>Sends each meter's pushes to the sink of its transport; a meter with none keeps them (undelivered, bounded in the meter).</summary>
internal sealed class FleetPushRouter(IReadOnlyDictionary<string, IPushSink> routes) : IPushSink
{
    public ValueTask<bool> SendAsync(PushMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return routes.TryGetValue(message.MeterId, out var sink) ? sink.SendAsync(message, cancellationToken) : ValueTask.FromResult(false);
    }
}
