using System.Security.Cryptography.X509Certificates;
using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Keys;
using Meterline.HeadEnd.Mqtt.Broker;
using Meterline.HeadEnd.Mqtt.Credentials;
using Meterline.HeadEnd.Mqtt.Links;
using Meterline.HeadEnd.Mqtt.Uplink;

namespace Meterline.HeadEnd.Mqtt.Node;

/// <summary>
/// What a head-end node runs for MQTT, built from <see cref="MqttNodeOptions"/>: the embedded broker and/or the
/// external-broker consumer (each a node loop), and the link opener for <c>mqtt://</c> meters (through the embedded
/// broker when there is one, else the external broker).
/// </summary>
public sealed class MqttNodeTransport : IAsyncDisposable
{
    private MqttNodeTransport(MqttCredentialStore credentials, MqttBroker? broker, MqttUplinkConsumer? consumer)
    {
        Credentials = credentials;
        Broker = broker;
        Consumer = consumer;
        LinkOpener = new MqttLinkOpener((IMqttDownlink?)broker ?? consumer!);
    }

    public MqttCredentialStore Credentials { get; }

    public MqttBroker? Broker { get; }

    public MqttUplinkConsumer? Consumer { get; }

    public MqttLinkOpener LinkOpener { get; }

    /// <summary>The loops to run: (name, body).</summary>
    public IReadOnlyList<(string Name, Func<CancellationToken, Task> Run)> Loops =>
        [.. Broker is null ? [] : new[] { ("mqtt-broker", (Func<CancellationToken, Task>)Broker.RunAsync) },
            .. Consumer is null ? [] : new[] { ("mqtt-consumer", (Func<CancellationToken, Task>)Consumer.RunAsync) }];

    public static MqttNodeTransport Create(MqttNodeOptions options, IngestPipeline pipeline, ConnectionGate gate, IMeterKeyStore keys, IKeyProvider provider, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(pipeline);
        if (!options.IsEnabled)
        {
            throw new ArgumentException("Neither an embedded broker nor an external broker is configured.", nameof(options));
        }

        var credentials = new MqttCredentialStore(keys, provider, pipeline.Directory);
        MqttBroker? broker = null;
        if (options.Listeners.Count > 0)
        {
            broker = new MqttBroker(pipeline, gate, credentials, new MqttBrokerOptions { Endpoints = options.Listeners, Tls = Tls(options) }, time);
        }

        MqttUplinkConsumer? consumer = null;
        if (options.ExternalBroker is { } uri)
        {
            if (uri.Scheme is not ("mqtt" or "mqtts") || uri.IsDefaultPort && uri.Port <= 0)
            {
                throw new ArgumentException($"{uri}: expected mqtt://host:port or mqtts://host:port", nameof(options));
            }

            var password = options.ExternalPasswordEnvironmentVariable is { } variable ? Environment.GetEnvironmentVariable(variable) : null;
            var defaults = new MqttUplinkConsumerOptions { Host = "-", UserName = "-", Password = "-", ClientId = "-" };
            consumer = new MqttUplinkConsumer(pipeline, new MqttUplinkConsumerOptions
            {
                Workers = options.ExternalWorkers ?? defaults.Workers,
                QueueCapacity = options.ExternalQueueCapacity ?? defaults.QueueCapacity,
                Host = uri.IdnHost,
                Port = uri.Port > 0 ? uri.Port : uri.Scheme == "mqtts" ? 8883 : 1883,
                UseTls = uri.Scheme == "mqtts",
                UserName = options.ExternalUserName ?? throw new ArgumentException("An external broker needs the node's user name.", nameof(options)),
                Password = password ?? throw new ArgumentException("An external broker needs the node's password, from the environment variable named by the password option.", nameof(options)),
                ShareGroup = options.ShareGroup,
                ClientId = options.ClientId ?? $"meterline-{options.ExternalUserName}-{Environment.MachineName}",
            }, time: time);
        }

        return new MqttNodeTransport(credentials, broker, consumer);
    }

    public async ValueTask DisposeAsync()
    {
        if (Broker is not null)
        {
            await Broker.DisposeAsync().ConfigureAwait(false);
        }

        if (Consumer is not null)
        {
            await Consumer.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static MqttBrokerTls? Tls(MqttNodeOptions options)
    {
        if (options.TlsCertificatePath is null)
        {
            return options.ClientCertificates == MqttClientCertificateMode.None ? null
                : throw new ArgumentException("Client certificates need TLS: give the broker's certificate.", nameof(options));
        }

        var roots = new X509Certificate2Collection();
        if (options.ClientCertificateRootsPath is { } path)
        {
            roots.ImportFromPemFile(path);
        }

        return new MqttBrokerTls
        {
            ServerCertificate = MqttBrokerTls.LoadCertificate(options.TlsCertificatePath, options.TlsKeyPath),
            ClientCertificates = options.ClientCertificates,
            ClientRoots = roots,
        };
    }
}
