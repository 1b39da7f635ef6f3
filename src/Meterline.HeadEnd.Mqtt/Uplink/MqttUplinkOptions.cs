namespace Meterline.HeadEnd.Mqtt.Uplink;

/// <summary>How payloads on meters' <c>up</c> topics are read.</summary>
public sealed record MqttUplinkOptions
{
    /// <summary>The destination wPort of pushes (the wrapper receiver's); any other destination wPort is a session response for that client association.</summary>
    public ushort PushWPort { get; init; } = 1;

    /// <summary>The largest APDU accepted (the ingress guard's size cap).</summary>
    public int MaxApduLength { get; init; } = 4096;

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxApduLength, 16);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxApduLength, ushort.MaxValue);
    }
}
