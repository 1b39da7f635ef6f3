using Meterline.Meter.Push;
using Meterline.Simulator.Radio;

namespace Meterline.Simulator.Push;

/// <summary>Sends a radio meter's pushes over its radio and every other meter's to the network sink (if any; else they stay queued).</summary>
internal sealed class RoutingPushSink(ZigbeeFleetRadio radio, IPushSink? network) : IPushSink
{
    public ValueTask<bool> SendAsync(PushMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return radio.Carries(message.MeterId) ? radio.SendAsync(message, cancellationToken)
            : network is null ? ValueTask.FromResult(false)
            : network.SendAsync(message, cancellationToken);
    }
}
