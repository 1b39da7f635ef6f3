using MQTTnet;

namespace Meterline.HeadEnd.Mqtt.Uplink;

/// <summary>
/// A message whose answer is known: its PUBACK's reason code, or none (null) when the pipeline failed it — no PUBACK
/// then, and a reconnect so that the broker delivers it again.
/// </summary>
internal readonly record struct ReadyAcknowledgement(ReceivedMessage Received, MqttApplicationMessageReceivedReasonCode? ReasonCode)
{
    public static ReadyAcknowledgement Of(ReceivedMessage received, UplinkResult result) => new(received, result.Disposition switch
    {
        UplinkDisposition.Accepted => MqttApplicationMessageReceivedReasonCode.Success,
        UplinkDisposition.Refused => MqttApplicationMessageReceivedReasonCode.ImplementationSpecificError,
        _ => null,
    });
}
