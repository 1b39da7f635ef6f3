namespace Meterline.HeadEnd.Mqtt.Broker;

/// <summary>Whether the embedded broker's TLS listeners ask clients for a certificate.</summary>
public enum MqttClientCertificateMode
{
    /// <summary>No client certificate is asked for.</summary>
    None = 0,

    /// <summary>A client certificate is asked for; one that is presented must chain to a trusted root, but clients without one are admitted.</summary>
    Optional = 1,

    /// <summary>A client without a certificate that chains to a trusted root is refused during the TLS handshake.</summary>
    Required = 2,
}
