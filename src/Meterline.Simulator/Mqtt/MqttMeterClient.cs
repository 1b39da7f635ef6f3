using System.Collections.Concurrent;
using Meterline.Dlms;
using Meterline.Dlms.Links;
using Meterline.Dlms.Wrapper;
using Meterline.Simulator.Hosting;
using Meterline.Simulator.Radio;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Meterline.Simulator.Mqtt;

/// <summary>
/// One simulated meter's MQTT client (MQTT 5; user name and client id its system title, password from provisioning):
/// publishes pushes (wrapper frames, wPort 1 to 1) to <c>meterline/{title}/up</c> at QoS 1 and counts one delivered only
/// on a successful PUBACK — which the head-end sends after its commit; subscribes to <c>meterline/{title}/down</c> and
/// serves each client association's requests there with the meter's DLMS server, answering on <c>up</c> (wPort 1 to the
/// client's). At most <see cref="MaxClients"/> sessions at once.
/// </summary>
internal sealed class MqttMeterClient : IAsyncDisposable
{
    public const int MaxClients = 4;
    public const ushort MeterWPort = 1;

    private readonly IHostedMeter _meter;
    private readonly MqttMeterFleetOptions _options;
    private readonly IMqttClient _client;
    private readonly MqttClientOptions _connect;
    private readonly DlmsServer _server;
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private readonly ConcurrentDictionary<ushort, (DatagramWrapperLink Link, Task Serving)> _sessions = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly string _up;
    private readonly string _down;

    public MqttMeterClient(string host, int port, string systemTitle, string password, IHostedMeter meter, MqttMeterFleetOptions options)
    {
        _meter = meter;
        _options = options;
        _up = $"meterline/{systemTitle}/up";
        _down = $"meterline/{systemTitle}/down";
        _server = new DlmsServer(meter.CreateAssociation);
        _client = new MqttClientFactory().CreateMqttClient();
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(host, port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(systemTitle)
            .WithCredentials(systemTitle, password)
            .WithCleanStart(true)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(60))
            .WithTimeout(options.ConnectTimeout);
        if (options.UseTls)
        {
            builder = builder.WithTlsOptions(tls =>
            {
                tls.UseTls();
                if (options.AcceptAnyServerCertificate)
                {
                    tls.WithCertificateValidationHandler(_ => true);
                }
            });
        }

        _connect = builder.Build();
        _client.ApplicationMessageReceivedAsync += e =>
        {
            if (string.Equals(e.ApplicationMessage.Topic, _down, StringComparison.Ordinal))
            {
                Route(e.ApplicationMessage.Payload.IsSingleSegment ? e.ApplicationMessage.Payload.First.ToArray() : System.Buffers.BuffersExtensions.ToArray(e.ApplicationMessage.Payload));
            }

            return Task.CompletedTask;
        };
    }

    public bool IsConnected => _client.IsConnected;

    /// <summary>Connects and subscribes to the down topic unless connected; false when the broker refused or was unreachable.</summary>
    public async Task<bool> EnsureConnectedAsync(CancellationToken cancellationToken)
    {
        if (_client.IsConnected)
        {
            return true;
        }

        await _connecting.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_client.IsConnected)
            {
                return true;
            }

            var connected = await _client.ConnectAsync(_connect, cancellationToken).ConfigureAwait(false);
            if (connected.ResultCode != MqttClientConnectResultCode.Success)
            {
                return false;
            }

            var subscribed = await _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(_down, MqttQualityOfServiceLevel.AtLeastOnce).Build(), cancellationToken).ConfigureAwait(false);
            return subscribed.Items.All(i => (int)i.ResultCode <= (int)MqttClientSubscribeResultCode.GrantedQoS2);
        }
        catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        finally
        {
            _connecting.Release();
        }
    }

    /// <summary>Publishes one push at QoS 1; true only for a PUBACK with reason code Success (0x00).</summary>
    public async Task<bool> PublishAsync(ReadOnlyMemory<byte> apdu, CancellationToken cancellationToken)
    {
        if (!await EnsureConnectedAsync(cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        return await PublishUpAsync(new WrapperFrame(MeterWPort, MeterWPort, apdu).ToArray(), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var session in _sessions.Values)
        {
            session.Link.Complete();
        }

        await Task.WhenAll(_sessions.Values.Select(s => s.Serving)).ConfigureAwait(false);
        if (_client.IsConnected)
        {
            try
            {
                await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), CancellationToken.None).ConfigureAwait(false);
            }
            catch (MQTTnet.Exceptions.MqttCommunicationException)
            {
                // The broker went first.
            }
        }

        _client.Dispose();
        _connecting.Dispose();
        _stopping.Dispose();
    }

    private async Task<bool> PublishUpAsync(byte[] payload, CancellationToken cancellationToken)
    {
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(_up)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.PublishTimeout);
        try
        {
            // Only Success is a delivery: MQTTnet's IsSuccess also takes 0x10 No matching subscribers, which an external
            // broker answers while no head-end node is subscribed (just after the broker restarted) — the push reached
            // nobody, so the meter keeps it and sends it again.
            var result = await _client.PublishAsync(message, timeout.Token).ConfigureAwait(false);
            return result.ReasonCode == MqttClientPublishReasonCode.Success;
        }
        catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private void Route(byte[] payload)
    {
        WrapperFrame frame;
        try
        {
            frame = WrapperFrame.DecodeDatagram(payload);
        }
        catch (DlmsFormatException)
        {
            return;
        }

        if (frame.DestinationWPort != MeterWPort || frame.SourceWPort == MeterWPort || !_meter.Answers || _stopping.IsCancellationRequested)
        {
            return;
        }

        var client = frame.SourceWPort;
        if (!_sessions.TryGetValue(client, out var session) || session.Link.Completion.IsCompleted)
        {
            foreach (var ended in _sessions.Where(c => c.Value.Link.Completion.IsCompleted).ToList())
            {
                _sessions.TryRemove(ended);
            }

            if (_sessions.Count >= MaxClients)
            {
                return;
            }

            var link = new DatagramWrapperLink(async (datagram, token) =>
            {
                if (!await PublishUpAsync(datagram.ToArray(), token).ConfigureAwait(false))
                {
                    throw new DlmsLinkException("The broker did not take the response", isTransient: true);
                }
            }, MeterWPort, client);
            session = (link, ServeAsync(link, client));
            _sessions[client] = session;
        }

        session.Link.TryDeliver(frame.Apdu);
    }

    private async Task ServeAsync(DatagramWrapperLink link, ushort client)
    {
        await Task.Yield();
        var idle = new IdleLink(link, _options.SessionIdleTimeout);
        try
        {
            await _server.ServeAsync(idle, () => client, _stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (DlmsLinkException)
        {
            // The session ended (idle, or the broker went away).
        }
        finally
        {
            link.Complete();
        }
    }
}
