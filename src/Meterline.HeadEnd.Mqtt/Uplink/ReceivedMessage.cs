using Meterline.HeadEnd.Meters;
using MQTTnet;

namespace Meterline.HeadEnd.Mqtt.Uplink;

/// <summary>
/// A message the consumer received, the meter of its topic (<see cref="IsUp"/> false: not a meter's <c>up</c> topic),
/// and the connection (counted from 1) it came on: only that connection can acknowledge it.
/// </summary>
internal readonly record struct ReceivedMessage(MqttApplicationMessageReceivedEventArgs Args, long Connection, bool IsUp, MeterSystemTitle Meter);
