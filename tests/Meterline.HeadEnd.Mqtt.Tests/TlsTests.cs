using System.Net;
using Meterline.HeadEnd.Mqtt.Broker;
using MQTTnet;

namespace Meterline.HeadEnd.Mqtt.Tests;

/// <summary>The embedded broker behind TLS, with and without client certificates.</summary>
public sealed class TlsTests
{
    private static async Task<(IMqttClient Client, MqttClientConnectResult? Result, Exception? Error)> ConnectAsync(MqttHeadEnd head, TestCertificates certificates, bool withClientCertificate)
    {
        var meter = head.Fleet.Provisioning.Meters[0];
        var options = MqttTestClient.Options(head.BrokerEndpoint, meter.SystemTitle.ToString(), meter.MqttPassword!)
            .WithTlsOptions(tls =>
            {
                tls.UseTls();
                tls.WithCertificateValidationHandler(e => e.Certificate?.GetCertHashString() == certificates.Server.GetCertHashString());
                if (withClientCertificate)
                {
                    tls.WithClientCertificates([certificates.Client]);
                }
            })
            .Build();
        var client = new MqttClientFactory().CreateMqttClient();
        try
        {
            return (client, await client.ConnectAsync(options).WaitAsync(MqttHeadEnd.Bound), null);
        }
        catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or System.Security.Authentication.AuthenticationException or IOException)
        {
            return (client, null, e);
        }
    }

    private static MqttBrokerOptions Options(TestCertificates certificates, MqttClientCertificateMode mode) => new()
    {
        Endpoints = [new IPEndPoint(IPAddress.Loopback, 0)],
        Tls = new MqttBrokerTls { ServerCertificate = certificates.Server, ClientCertificates = mode, ClientRoots = [certificates.Ca] },
    };

    [Fact]
    public async Task Connect_ServerCertificateOnly_MeterLogsInOverTls()
    {
        using var certificates = new TestCertificates();
        await using var head = await MqttHeadEnd.StartAsync(options: Options(certificates, MqttClientCertificateMode.None));
        await head.StartFleetAsync(1, run: false);

        var (client, result, error) = await ConnectAsync(head, certificates, withClientCertificate: false);
        using var _ = client;

        Assert.Null(error);
        Assert.Equal(MqttClientConnectResultCode.Success, result!.ResultCode);
        Assert.Equal(1, head.Broker!.Logins);
    }

    [Fact]
    public async Task Connect_ClientCertificatesRequired_RefusedWithoutOneAdmittedWithOne()
    {
        using var certificates = new TestCertificates();
        await using var head = await MqttHeadEnd.StartAsync(options: Options(certificates, MqttClientCertificateMode.Required));
        await head.StartFleetAsync(1, run: false);

        var (without, refused, error) = await ConnectAsync(head, certificates, withClientCertificate: false);
        without.Dispose();
        var (with, admitted, noError) = await ConnectAsync(head, certificates, withClientCertificate: true);
        using var _ = with;

        Assert.True(error is not null || refused?.ResultCode != MqttClientConnectResultCode.Success, "a client without a certificate was admitted");
        Assert.Null(noError);
        Assert.Equal(MqttClientConnectResultCode.Success, admitted!.ResultCode);
        Assert.Equal(1, head.Broker!.Logins);
        await MqttHeadEnd.UntilAsync(() => Task.FromResult(head.Gate.Open == 1), "the refused connection's slot released");
    }
}
