using System.Diagnostics;
using System.Net;
using Meterline.Dlms.Wrapper;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Meterline.Ingress.Tests;

/// <summary>
/// The honest meters of an <see cref="IngressNode"/> pushing over the node's embedded MQTT broker, each with its own
/// MQTTnet client (MQTT 5, its system title and provisioned password) from its own loopback address (127.0.0.10 on),
/// one push at a time at QoS 1: a push is delivered when its PUBACK reports success — which the broker sends only after
/// the commit — so its latency is PUBLISH → committed → PUBACK. A push not acknowledged within
/// <see cref="HonestMeters.LostAfter"/>, or refused, counts as lost.
/// </summary>
internal sealed class HonestMqttMeters : IAsyncDisposable
{
    private readonly IngressNode _node;
    private readonly IMqttClient[] _clients;
    private readonly int[] _next;

    private HonestMqttMeters(IngressNode node, IMqttClient[] clients)
    {
        _node = node;
        _clients = clients;
        _next = new int[clients.Length];
    }

    public static async Task<HonestMqttMeters> ConnectAsync(IngressNode node, IPEndPoint broker)
    {
        var clients = new IMqttClient[node.Honest.Count];
        try
        {
            for (var i = 0; i < clients.Length; i++)
            {
                var meter = node.Honest[i];
                var title = meter.SystemTitle.ToString();
                var options = new MqttClientOptionsBuilder()
                    .WithTcpServer(broker.Address.ToString(), broker.Port)
                    .WithProtocolVersion(MqttProtocolVersion.V500)
                    .WithClientId(title)
                    .WithCredentials(title, meter.MqttPassword)
                    .WithCleanStart(true)
                    .WithKeepAlivePeriod(TimeSpan.FromSeconds(60))
                    .WithTimeout(TimeSpan.FromSeconds(10))
                    .Build();
                ((MqttClientTcpOptions)options.ChannelOptions).LocalEndpoint = new IPEndPoint(new IPAddress([127, 0, 0, (byte)(10 + i)]), 0);
                clients[i] = new MqttClientFactory().CreateMqttClient();
                var connected = await clients[i].ConnectAsync(options).WaitAsync(TimeSpan.FromSeconds(20));
                Assert.Equal(MqttClientConnectResultCode.Success, connected.ResultCode);
            }
        }
        catch
        {
            foreach (var client in clients.Where(c => c is not null))
            {
                client.Dispose();
            }

            throw;
        }

        return new HonestMqttMeters(node, clients);
    }

    /// <summary>
    /// Every meter publishes its next <paramref name="pushes"/> pushes, one every <paramref name="period"/> (meters
    /// staggered over the period); the PUBLISH → PUBACK latency of each is measured; lost pushes are NaN.
    /// </summary>
    public Task<List<double>> RunAsync(int pushes, TimeSpan period) => PacedPushes.RunAsync(_clients.Length, pushes, period, PublishOneAsync);

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            try
            {
                await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build()).WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or TimeoutException)
            {
                // The broker went first.
            }

            client.Dispose();
        }
    }

    private async Task<double> PublishOneAsync(int meter)
    {
        var title = _node.Honest[meter].SystemTitle.ToString();
        var message = new MqttApplicationMessageBuilder()
            .WithTopic($"meterline/{title}/up")
            .WithPayload(new WrapperFrame(1, 1, _node.Pushes[meter][_next[meter]++]).ToArray())
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        var sent = Stopwatch.GetTimestamp();
        try
        {
            var result = await _clients[meter].PublishAsync(message).WaitAsync(HonestMeters.LostAfter);
            return result.IsSuccess ? Stopwatch.GetElapsedTime(sent).TotalMilliseconds : double.NaN;
        }
        catch (Exception e) when (e is TimeoutException or MQTTnet.Exceptions.MqttCommunicationException)
        {
            return double.NaN;
        }
    }
}
