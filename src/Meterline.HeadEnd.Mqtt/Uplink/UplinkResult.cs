using Meterline.HeadEnd.Ingest;

namespace Meterline.HeadEnd.Mqtt.Uplink;

/// <summary>The outcome of <see cref="MqttUplinkHandler.HandleAsync"/>: the disposition and, when refused, why.</summary>
public readonly record struct UplinkResult(UplinkDisposition Disposition, IngestRejectReason? Reason = null)
{
    public static UplinkResult Accepted => new(UplinkDisposition.Accepted);

    public static UplinkResult Failed => new(UplinkDisposition.Failed);

    public static UplinkResult Refused(IngestRejectReason reason) => new(UplinkDisposition.Refused, reason);
}
