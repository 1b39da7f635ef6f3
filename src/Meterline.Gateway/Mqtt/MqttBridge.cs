using System.Buffers;
using System.Collections.Concurrent;
using System.Threading.Channels;
using Meterline.Dlms;
using Meterline.Dlms.Wrapper;
using Meterline.Zigbee;
using Meterline.Zigbee.Frames;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Meterline.Gateway.Mqtt;

/// <summary>
/// Bridges a concentrator's Zigbee meters to an MQTT broker, so the head-end reaches them exactly as MQTT meters
/// (docs/zigbee.md, "The gateway on the broker"). Every frame a meter sends that is not for a TCP gateway session — its
/// pushes and its answers — is published, as the meter sent it, to its <c>meterline/{systemTitle}/up</c> at QoS 1, one
/// at a time in arrival order; the next only after the broker's PUBACK. A push the broker did not take (no PUBACK, a
/// lost connection, "no matching subscribers", a quota or an unspecified error) is published again after a back-off
/// (250 ms doubling to 30 s), never dropped; one refused for good (not authorized, ...) is counted and dropped. While
/// the broker is away the pushes wait in the concentrator's bounded queue (dropped and counted beyond it); at a stop
/// those still in hand go to the spool (<see cref="MqttBridgeOptions.SpoolPath"/>) and are published first at the next
/// start. Requests on the meters' <c>down</c> topics are checked (a wrapper frame from a client wPort to the meter's
/// wPort 1, at most <see cref="MqttBridgeOptions.MaxApduLength"/> bytes of APDU) and sent to the radio unchanged. The
/// gateway holds no key: the APDUs are secured end to end between meter and head-end.
/// </summary>
public sealed class MqttBridge : IAsyncDisposable
{
    private const int DownlinkWorkers = 4;
    private const int SubscribeBatch = 64;
    private const ushort MeterWPort = 1;

    /// <summary>The most pushes read back from a spool: the concentrator's queue, the one in hand, and a backlog from the spool before.</summary>
    private const int SpoolCapacity = 65_536;

    private readonly ZigbeeConcentrator _concentrator;
    private readonly MqttBridgeOptions _options;
    private readonly TimeProvider _time;
    private readonly Dictionary<XBeeAddress64, string> _titles = [];
    private readonly Dictionary<string, XBeeAddress64> _radios = new(StringComparer.Ordinal);
    private readonly Channel<(XBeeAddress64 Radio, byte[] Frame)>[] _downlink;
    private readonly ConcurrentQueue<OutboundFrame> _backlog = new();
    private readonly IMqttClient _client;
    private TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _disconnected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private OutboundFrame? _inHand;
    private long _published;
    private long _refused;
    private long _republished;
    private long _unknownRadio;
    private long _responsesDropped;
    private long _connects;
    private long _requestsRelayed;
    private long _requestsDropped;
    private long _requestsRefused;
    private long _radioFailures;
    private long _spooled;
    private long _unspooled;
    private long _lost;
    private int _spoolLoaded;

    public MqttBridge(ZigbeeConcentrator concentrator, MqttBridgeOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(concentrator);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _concentrator = concentrator;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        foreach (var meter in options.Meters)
        {
            _titles.Add(meter.Radio, meter.SystemTitle);
            _radios.Add(meter.SystemTitle, meter.Radio);
            concentrator.Listen(meter.Radio);
        }

        var capacity = Math.Max(1, options.DownlinkQueueCapacity / DownlinkWorkers);
        _downlink = [.. Enumerable.Range(0, DownlinkWorkers).Select(_ => Channel.CreateBounded<(XBeeAddress64, byte[])>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true },
            _ => Interlocked.Increment(ref _requestsDropped)))];
        _client = new MqttClientFactory().CreateMqttClient();
        _client.ApplicationMessageReceivedAsync += e =>
        {
            Relay(e.ApplicationMessage.Topic, e.ApplicationMessage.Payload);
            return Task.CompletedTask;
        };
        _client.DisconnectedAsync += _ =>
        {
            _disconnected.TrySetResult();
            return Task.CompletedTask;
        };
    }

    /// <summary>Frames the broker acknowledged with Success.</summary>
    public long Published => Interlocked.Read(ref _published);

    /// <summary>Frames the broker refused for good (counted, dropped).</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Publish attempts repeated because the broker did not take the frame.</summary>
    public long Republished => Interlocked.Read(ref _republished);

    /// <summary>Frames from a radio this gateway has no meter for (dropped).</summary>
    public long UnknownRadio => Interlocked.Read(ref _unknownRadio);

    /// <summary>Session answers no head-end node was subscribed to (its session had ended; dropped).</summary>
    public long ResponsesDropped => Interlocked.Read(ref _responsesDropped);

    public long Connects => Interlocked.Read(ref _connects);

    public long RequestsRelayed => Interlocked.Read(ref _requestsRelayed);

    /// <summary>Requests dropped because the radio's queue was full.</summary>
    public long RequestsDropped => Interlocked.Read(ref _requestsDropped);

    /// <summary>Messages on a down topic that were not a request for one of this gateway's meters.</summary>
    public long RequestsRefused => Interlocked.Read(ref _requestsRefused);

    /// <summary>Requests the radio could not deliver to the meter.</summary>
    public long RadioFailures => Interlocked.Read(ref _radioFailures);

    /// <summary>Pushes written to the spool at a stop.</summary>
    public long Spooled => Interlocked.Read(ref _spooled);

    /// <summary>Pushes read back from the spool at the start.</summary>
    public long Unspooled => Interlocked.Read(ref _unspooled);

    /// <summary>Pushes in hand at a stop with no spool to keep them.</summary>
    public long Lost => Interlocked.Read(ref _lost);

    public bool IsConnected => _client.IsConnected && _connected.Task.IsCompleted;

    /// <summary>Frames waiting to be published: the spooled ones not yet published, the one in hand, and the concentrator's queue.</summary>
    public int Pending => _backlog.Count + (Volatile.Read(ref _inHand) is null ? 0 : 1) + _concentrator.Pushes.Count;

    /// <summary>
    /// Reads the spool, then connects (reconnecting with back-off), relays both ways until cancelled, and writes what
    /// is still in hand to the spool before returning.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        LoadSpool();

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var workers = _downlink.Select(q => SendToRadiosAsync(q.Reader, stop.Token)).ToArray();
        var connection = ConnectLoopAsync(stop.Token);
        try
        {
            await PublishLoopAsync(stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll([connection, .. workers]).ConfigureAwait(false);
            Spool();
            if (_client.IsConnected)
            {
                await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Reads the spool into the backlog, once (<see cref="RunAsync"/> does it if not done before). Throws
    /// <see cref="InvalidDataException"/> for a damaged spool, which is left where it is.
    /// </summary>
    public void LoadSpool()
    {
        if (_options.SpoolPath is not { } spool || Interlocked.Exchange(ref _spoolLoaded, 1) != 0)
        {
            return;
        }

        foreach (var (radio, frame) in PushSpool.Read(spool, SpoolCapacity, _options.MaxApduLength + WrapperFrame.HeaderLength))
        {
            _backlog.Enqueue(new OutboundFrame(radio, frame, IsPush: true));
            Interlocked.Increment(ref _unspooled);
        }
    }

    public ValueTask DisposeAsync()
    {
        foreach (var queue in _downlink)
        {
            queue.Writer.TryComplete();
        }

        _client.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task PublishLoopAsync(CancellationToken cancellationToken)
    {
        var backoff = _options.ReconnectMin;
        while (!cancellationToken.IsCancellationRequested)
        {
            var frame = Volatile.Read(ref _inHand);
            if (frame is null)
            {
                if (!_backlog.TryDequeue(out frame))
                {
                    var push = await _concentrator.Pushes.ReadAsync(cancellationToken).ConfigureAwait(false);
                    frame = new OutboundFrame(push.Source, new WrapperFrame(push.SourceWPort, push.DestinationWPort, push.Apdu).ToArray(),
                        IsPush: push.DestinationWPort == MeterWPort);
                }

                Volatile.Write(ref _inHand, frame);
            }

            if (!_titles.TryGetValue(frame.Radio, out var title))
            {
                Interlocked.Increment(ref _unknownRadio);
                Volatile.Write(ref _inHand, null);
                continue;
            }

            await _connected.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            switch (await PublishAsync(title, frame.Frame, cancellationToken).ConfigureAwait(false))
            {
                case MqttClientPublishReasonCode.Success:
                    Interlocked.Increment(ref _published);
                    Volatile.Write(ref _inHand, null);
                    backoff = _options.ReconnectMin;
                    break;
                case MqttClientPublishReasonCode.NoMatchingSubscribers when !frame.IsPush:
                    // An answer nobody waits for: the head-end's session has ended.
                    Interlocked.Increment(ref _responsesDropped);
                    Volatile.Write(ref _inHand, null);
                    break;
                case MqttClientPublishReasonCode.NoMatchingSubscribers or MqttClientPublishReasonCode.QuotaExceeded or MqttClientPublishReasonCode.UnspecifiedError:
                    // Not taken (no head-end node subscribed yet, or the broker busy, or the connection lost): again, later.
                    Interlocked.Increment(ref _republished);
                    await Task.Delay(backoff, _time, cancellationToken).ConfigureAwait(false);
                    backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _options.ReconnectMax.Ticks));
                    break;
                default:
                    Interlocked.Increment(ref _refused);
                    Volatile.Write(ref _inHand, null);
                    break;
            }
        }
    }

    /// <summary>One QoS 1 publish; <see cref="MqttClientPublishReasonCode.UnspecifiedError"/> when the connection failed or no PUBACK came in time.</summary>
    private async Task<MqttClientPublishReasonCode> PublishAsync(string title, byte[] frame, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.PublishTimeout);
        try
        {
            var result = await _client.PublishAsync(new MqttApplicationMessageBuilder()
                .WithTopic(GatewayTopics.Up(title))
                .WithPayload(frame)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build(), timeout.Token).ConfigureAwait(false);
            return result.ReasonCode;
        }
        catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or InvalidOperationException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            if (_client.IsConnected)
            {
                // No PUBACK in time: take the connection as lost, so the reconnect starts afresh.
                await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.UnspecifiedError).Build(), CancellationToken.None).ConfigureAwait(false);
            }

            return MqttClientPublishReasonCode.UnspecifiedError;
        }
    }

    private async Task ConnectLoopAsync(CancellationToken cancellationToken)
    {
        var delay = _options.ReconnectMin;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if (await TryConnectAsync(cancellationToken).ConfigureAwait(false))
                {
                    delay = _options.ReconnectMin;
                    _connected.TrySetResult();
                    await _disconnected.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
                    _connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    continue;
                }

                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.ReconnectMax.Ticks));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task<bool> TryConnectAsync(CancellationToken cancellationToken)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(_options.Host, _options.Port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(_options.EffectiveClientId)
            .WithCredentials(_options.UserName, _options.Password)
            .WithCleanStart(true)
            .WithTimeout(TimeSpan.FromSeconds(10));
        if (_options.UseTls)
        {
            builder = builder.WithTlsOptions(tls => tls.UseTls());
        }

        try
        {
            _disconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var connected = await _client.ConnectAsync(builder.Build(), cancellationToken).ConfigureAwait(false);
            if (connected.ResultCode != MqttClientConnectResultCode.Success)
            {
                return false;
            }

            foreach (var batch in _options.Meters.Chunk(SubscribeBatch))
            {
                var subscribe = new MqttClientSubscribeOptionsBuilder();
                foreach (var meter in batch)
                {
                    subscribe = subscribe.WithTopicFilter(GatewayTopics.Down(meter.SystemTitle), MqttQualityOfServiceLevel.AtLeastOnce);
                }

                var subscribed = await _client.SubscribeAsync(subscribe.Build(), cancellationToken).ConfigureAwait(false);
                if (subscribed.Items.Any(i => (int)i.ResultCode > (int)MqttClientSubscribeResultCode.GrantedQoS2))
                {
                    await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), cancellationToken).ConfigureAwait(false);
                    return false;
                }
            }

            Interlocked.Increment(ref _connects);
            return true;
        }
        catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Checks one message from a down topic and queues it for the meter's radio.</summary>
    private void Relay(string topic, ReadOnlySequence<byte> payload)
    {
        if (!GatewayTopics.TryParseDown(topic, out var title) || !_radios.TryGetValue(title, out var radio)
            || payload.Length > _options.MaxApduLength + WrapperFrame.HeaderLength)
        {
            Interlocked.Increment(ref _requestsRefused);
            return;
        }

        var bytes = payload.ToArray();
        try
        {
            var frame = WrapperFrame.DecodeDatagram(bytes);
            if (frame.DestinationWPort != MeterWPort || frame.SourceWPort == MeterWPort)
            {
                Interlocked.Increment(ref _requestsRefused);
                return;
            }
        }
        catch (DlmsFormatException)
        {
            Interlocked.Increment(ref _requestsRefused);
            return;
        }

        _downlink[(int)(radio.Value % DownlinkWorkers)].Writer.TryWrite((radio, bytes));
    }

    private async Task SendToRadiosAsync(ChannelReader<(XBeeAddress64 Radio, byte[] Frame)> queue, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var (radio, frame) in queue.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    await _concentrator.Coordinator.GetNode(radio).SendAsync(frame, cancellationToken).ConfigureAwait(false);
                    Interlocked.Increment(ref _requestsRelayed);
                }
                catch (XBeeException)
                {
                    // Not delivered over the air: the head-end's request times out and its command is tried again.
                    Interlocked.Increment(ref _radioFailures);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Writes the pushes still in hand (spooled ones not yet published first, in order) to the spool.</summary>
    private void Spool()
    {
        var pending = new List<(XBeeAddress64, byte[])>();
        void Keep(OutboundFrame frame)
        {
            if (frame.IsPush)
            {
                pending.Add((frame.Radio, frame.Frame));
            }
        }

        if (Interlocked.Exchange(ref _inHand, null) is { } held)
        {
            Keep(held);
        }

        while (_backlog.TryDequeue(out var frame))
        {
            Keep(frame);
        }

        while (_concentrator.Pushes.TryRead(out var push))
        {
            if (push.DestinationWPort == MeterWPort)
            {
                Keep(new OutboundFrame(push.Source, new WrapperFrame(push.SourceWPort, push.DestinationWPort, push.Apdu).ToArray(), IsPush: true));
            }
        }

        if (pending.Count > SpoolCapacity)
        {
            // Restarted again and again while the broker stays away: beyond the bound the newest go, as when the queue is full.
            Interlocked.Add(ref _lost, pending.Count - SpoolCapacity);
            pending.RemoveRange(SpoolCapacity, pending.Count - SpoolCapacity);
        }

        if (_options.SpoolPath is { } path)
        {
            PushSpool.Write(path, pending);
            Interlocked.Add(ref _spooled, pending.Count);
        }
        else
        {
            Interlocked.Add(ref _lost, pending.Count);
        }
    }

    private sealed record OutboundFrame(XBeeAddress64 Radio, byte[] Frame, bool IsPush);
}
