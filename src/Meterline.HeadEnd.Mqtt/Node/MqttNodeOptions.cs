using System.Net;
using Meterline.HeadEnd.Mqtt.Broker;

namespace Meterline.HeadEnd.Mqtt.Node;

/// <summary>A node's MQTT transport: an embedded broker (listeners), a client of an external broker, or both.</summary>
public sealed record MqttNodeOptions
{
    /// <summary>Where the embedded broker listens; empty for no embedded broker.</summary>
    public IReadOnlyList<IPEndPoint> Listeners { get; init; } = [];

    /// <summary>The embedded broker's certificate: a PEM file (with <see cref="TlsKeyPath"/>) or a PFX; null for plain TCP.</summary>
    public string? TlsCertificatePath { get; init; }

    /// <summary>The PEM private key of <see cref="TlsCertificatePath"/>; null when that is a PFX.</summary>
    public string? TlsKeyPath { get; init; }

    public MqttClientCertificateMode ClientCertificates { get; init; } = MqttClientCertificateMode.None;

    /// <summary>PEM file of the roots meters' client certificates must chain to; null for the system's trust store.</summary>
    public string? ClientCertificateRootsPath { get; init; }

    /// <summary>An external broker, <c>mqtt://host:port</c> or <c>mqtts://host:port</c>; null for none.</summary>
    public Uri? ExternalBroker { get; init; }

    public string? ExternalUserName { get; init; }

    /// <summary>The environment variable holding the node's password at the external broker.</summary>
    public string? ExternalPasswordEnvironmentVariable { get; init; }

    public string ShareGroup { get; init; } = "meterline";

    /// <summary>The node's client id at the external broker (fixed per node); default <c>meterline-{user}-{machine}</c>.</summary>
    public string? ClientId { get; init; }

    /// <summary>The external-broker consumer's messages handled at once (<see cref="Uplink.MqttUplinkConsumerOptions.Workers"/>); null for its default.</summary>
    public int? ExternalWorkers { get; init; }

    /// <summary>The external-broker consumer's received-message queue and receive maximum (<see cref="Uplink.MqttUplinkConsumerOptions.QueueCapacity"/>); null for its default.</summary>
    public int? ExternalQueueCapacity { get; init; }

    public bool IsEnabled => Listeners.Count > 0 || ExternalBroker is not null;
}
