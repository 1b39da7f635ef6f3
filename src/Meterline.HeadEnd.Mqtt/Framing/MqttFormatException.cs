namespace Meterline.HeadEnd.Mqtt.Framing;

/// <summary>Bytes that are no MQTT fixed header, with the offset (from the start of the header) where that showed.</summary>
public sealed class MqttFormatException : Exception
{
    public MqttFormatException()
    {
    }

    public MqttFormatException(string message)
        : base(message)
    {
    }

    public MqttFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public MqttFormatException(string message, int offset)
        : base($"{message} (at byte {offset})")
    {
        Offset = offset;
    }

    /// <summary>The offset of the offending byte from the start of the fixed header.</summary>
    public int Offset { get; }
}
