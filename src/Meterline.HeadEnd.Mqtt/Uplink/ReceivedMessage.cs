using MQTTnet;

namespace Meterline.HeadEnd.Mqtt.Uplink;

/// <summary>A message the consumer received, and the connection (counted from 1) it came on: only that connection can acknowledge it.</summary>
internal readonly record struct ReceivedMessage(MqttApplicationMessageReceivedEventArgs Args, long Connection);
