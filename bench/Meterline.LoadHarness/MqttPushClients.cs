using System.Net;
using Meterline.Dlms.Wrapper;
using Meterline.Simulator.Provisioning;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Meterline.LoadHarness;

/// <summary>
/// The fleet as MQTT meters: one MQTTnet client per meter (MQTT 5; user name and client id its system title, password
/// from provisioning) publishing its recorded pushes, in order, as wrapper frames at QoS 1 to <c>meterline/{title}/up</c>,
/// with up to <c>window</c> publishes in flight per client; each PUBACK (sent by the head-end after its commit, or
/// by a broker on receipt) is logged.
/// </summary>
internal sealed class MqttPushClients : IMqttPublishers
{
    /// <summary>Connects in progress at once (the node's gate admits at most 1,000 unauthenticated connections).</summary>
    private const int ConnectConcurrency = 32;

    private readonly IMqttClient[] _clients;
    private readonly string[] _topics;

    private MqttPushClients(IMqttClient[] clients, string[] topics)
    {
        _clients = clients;
        _topics = topics;
    }

    public static async Task<MqttPushClients> ConnectAsync(IPEndPoint broker, IReadOnlyList<ProvisionedMeter> meters, CancellationToken cancellationToken)
    {
        var clients = new IMqttClient[meters.Count];
        using var gate = new SemaphoreSlim(ConnectConcurrency);
        await Task.WhenAll(meters.Select(async (meter, i) =>
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                var title = meter.SystemTitle.ToString();
                var client = new MqttClientFactory().CreateMqttClient();
                clients[i] = client;
                var result = await client.ConnectAsync(new MqttClientOptionsBuilder()
                    .WithTcpServer(broker.Address.ToString(), broker.Port)
                    .WithProtocolVersion(MqttProtocolVersion.V500)
                    .WithClientId(title)
                    .WithCredentials(title, meter.MqttPassword ?? throw new InvalidOperationException($"Meter {meter.Id} has no MQTT password."))
                    .WithCleanStart(true)
                    .WithKeepAlivePeriod(TimeSpan.FromSeconds(120))
                    .WithTimeout(TimeSpan.FromSeconds(60))
                    .Build(), cancellationToken);
                if (result.ResultCode != MqttClientConnectResultCode.Success)
                {
                    throw new InvalidOperationException($"Meter {meter.Id} was refused by the broker: {result.ResultCode}");
                }
            }
            finally
            {
                gate.Release();
            }
        }));
        return new MqttPushClients(clients, [.. meters.Select(m => $"meterline/{m.SystemTitle}/up")]);
    }

    /// <inheritdoc />
    public Task PublishAllAsync(IReadOnlyList<IReadOnlyList<byte[]>> byMeter, int window, AckLog log, CancellationToken cancellationToken) =>
        Task.WhenAll(Enumerable.Range(0, _clients.Length).Select(m => PublishMeterAsync(m, byMeter[m], window, log, cancellationToken)));

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            if (client is null)
            {
                continue;
            }

            try
            {
                if (client.IsConnected)
                {
                    await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build()).WaitAsync(TimeSpan.FromSeconds(5));
                }
            }
            catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or TimeoutException)
            {
                // The broker went first.
            }

            client.Dispose();
        }
    }

    private async Task PublishMeterAsync(int meter, IReadOnlyList<byte[]> pushes, int window, AckLog log, CancellationToken cancellationToken)
    {
        using var inFlight = new SemaphoreSlim(window);
        var publishes = new List<Task>(pushes.Count);
        foreach (var apdu in pushes)
        {
            await inFlight.WaitAsync(cancellationToken);
            var message = new MqttApplicationMessageBuilder()
                .WithTopic(_topics[meter])
                .WithPayload(new WrapperFrame(1, 1, apdu).ToArray())
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build();
            publishes.Add(PublishOneAsync(_clients[meter], message, inFlight, log, cancellationToken));
        }

        await Task.WhenAll(publishes);
    }

    private static async Task PublishOneAsync(IMqttClient client, MqttApplicationMessage message, SemaphoreSlim inFlight, AckLog log, CancellationToken cancellationToken)
    {
        var sent = AckLog.Now();
        try
        {
            var result = await client.PublishAsync(message, cancellationToken);
            log.OnAcknowledged(sent, result.IsSuccess);
        }
        catch (MQTTnet.Exceptions.MqttCommunicationException)
        {
            log.OnAcknowledged(sent, success: false);
        }
        finally
        {
            inFlight.Release();
        }
    }
}
