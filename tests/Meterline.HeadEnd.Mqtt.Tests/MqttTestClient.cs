using System.Net;
using MQTTnet;
using MQTTnet.Formatter;

namespace Meterline.HeadEnd.Mqtt.Tests;

/// <summary>Real MQTTnet clients for the tests.</summary>
internal static class MqttTestClient
{
    public static MqttClientOptionsBuilder Options(IPEndPoint broker, string userName, string password, string? clientId = null) =>
        new MqttClientOptionsBuilder()
            .WithTcpServer(broker.Address.ToString(), broker.Port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(clientId ?? userName)
            .WithCredentials(userName, password)
            .WithCleanStart(true)
            .WithTimeout(TimeSpan.FromSeconds(10));

    public static async Task<(IMqttClient Client, MqttClientConnectResult Result)> ConnectAsync(MqttClientOptions options)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var result = await client.ConnectAsync(options).WaitAsync(MqttHeadEnd.Bound);
        return (client, result);
    }
}
