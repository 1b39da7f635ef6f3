using System.Buffers;
using System.Collections.Concurrent;
using System.Threading.Channels;
using Meterline.Dlms;
using Meterline.Dlms.Wrapper;
using Meterline.Gateway.Wrapper;
using Meterline.Zigbee;
using Meterline.Zigbee.Frames;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Meterline.Gateway.Mqtt;

/// <summary>
/// Bridges a gateway's meters — Zigbee meters behind its concentrator, and meters on DLMS/TCP links to it
/// (<see cref="WrapperMeterLinks"/>) — to an MQTT broker, so the head-end reaches them exactly as MQTT meters
/// (docs/zigbee.md, "The gateway on the broker"). Every frame a meter sends that is not for a TCP gateway session — its
/// pushes and its answers — is published, as the meter sent it, to its <c>meterline/{systemTitle}/up</c> at QoS 1, one
/// at a time in arrival order; the next only after the broker's PUBACK.
/// <para>
/// With a spool (<see cref="MqttBridgeOptions.SpoolPath"/>) every push is appended to it and flushed to disk (in groups:
/// what arrived meanwhile is flushed together) before it is published, and marked published after its PUBACK; at the
/// next start the pushes not marked are published first. A gateway killed at any moment so loses no push it had taken
/// from its links; one whose PUBACK it had not yet recorded is published again, and the head-end's replay check drops
/// the copy. Without a spool, pushes in hand at a stop are lost (counted).
/// </para>
/// A push the broker did not take (no PUBACK, a lost connection, "no matching subscribers", a quota or an unspecified
/// error) is published again after a back-off (250 ms doubling to 30 s), never dropped; one refused for good (not
/// authorized, ...) is counted and dropped. While the broker is away the pushes wait in the spool (bounded by
/// <see cref="MqttBridgeOptions.SpoolMaxBytes"/>): with a spool, spooling never waits for the publisher, so a stalled
/// or unreachable broker does not hold up the meters' pushes — the Zigbee pushes are taken from the concentrator and
/// spooled at the disk's pace, and a DLMS/TCP link's push is answered once flushed. Only a full spool refuses pushes
/// (counted <see cref="Lost"/>; a DLMS/TCP link then closes, and its meter keeps the push). Answers waiting for the
/// publisher are bounded apart (beyond it dropped, counted <see cref="ResponsesDropped"/>). Without a spool the pushes
/// wait in bounded queues: the concentrator's drops beyond its bound (counted there), a DLMS/TCP link is read no
/// further until there is room. Requests on the meters' <c>down</c> topics are checked (a
/// wrapper frame from a client wPort to the meter's wPort 1, at most <see cref="MqttBridgeOptions.MaxApduLength"/>
/// bytes of APDU) and sent to the meter's radio or TCP link unchanged. The gateway holds no key: the APDUs are secured
/// end to end between meter and head-end.
/// </summary>
public sealed class MqttBridge : IAsyncDisposable
{
    private const int DownlinkWorkers = 4;
    private const int SubscribeBatch = 64;
    private const ushort MeterWPort = 1;

    /// <summary>Pushes appended to the spool before one flush (a group commit).</summary>
    private const int SpoolBatch = 256;

    /// <summary>
    /// Frames waiting for the publisher: without a spool, all of them (the spooling loop waits beyond it); with a spool,
    /// the answers only (beyond it they are dropped), as the pushes among them are bounded by the spool's size.
    /// </summary>
    private const int OutboundCapacity = 1024;

    private readonly ZigbeeConcentrator? _concentrator;
    private readonly WrapperMeterLinks? _links;
    private readonly MqttBridgeOptions _options;
    private readonly TimeProvider _time;
    private readonly Dictionary<XBeeAddress64, string> _titles = [];
    private readonly Dictionary<string, XBeeAddress64> _radios = new(StringComparer.Ordinal);
    private readonly HashSet<string> _meters = new(StringComparer.Ordinal);
    private readonly Channel<(XBeeAddress64 Radio, byte[] Frame)>[] _downlink;
    private readonly Channel<Intake> _uplink;
    private readonly Channel<OutboundFrame> _outbound;
    private readonly ConcurrentQueue<OutboundFrame> _backlog = new();
    private readonly IMqttClient _client;
    private TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _disconnected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private PushSpool? _spool;
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
    private int _answersWaiting;
    private int _spoolLoaded;

    public MqttBridge(ZigbeeConcentrator concentrator, MqttBridgeOptions options, TimeProvider? timeProvider = null)
        : this(concentrator, null, options, timeProvider)
    {
        ArgumentNullException.ThrowIfNull(concentrator);
    }

    /// <summary>A bridge for the meters behind <paramref name="concentrator"/> and on <paramref name="links"/> (either may be null, not both).</summary>
    public MqttBridge(ZigbeeConcentrator? concentrator, WrapperMeterLinks? links, MqttBridgeOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (concentrator is null && links is null)
        {
            throw new ArgumentException("A bridge needs a concentrator, DLMS/TCP links or both.", nameof(links));
        }

        options.Validate();
        _concentrator = concentrator;
        _links = links;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        foreach (var meter in options.Meters)
        {
            _meters.Add(meter.SystemTitle);
            if (meter.Radio is { } radio)
            {
                _titles.Add(radio, meter.SystemTitle);
                _radios.Add(meter.SystemTitle, radio);
                concentrator?.Listen(radio);
            }
        }

        var capacity = Math.Max(1, options.DownlinkQueueCapacity / DownlinkWorkers);
        _downlink = [.. Enumerable.Range(0, DownlinkWorkers).Select(_ => Channel.CreateBounded<(XBeeAddress64, byte[])>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true },
            _ => Interlocked.Increment(ref _requestsDropped)))];
        _uplink = Channel.CreateBounded<Intake>(new BoundedChannelOptions(options.UplinkQueueCapacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });
        // With a spool every push waiting here is also in the spool, whose size bounds them: spooling goes on while the
        // broker is away. Without one, the spooling loop (and so the meters' links) waits for the publisher.
        _outbound = options.SpoolPath is null
            ? Channel.CreateBounded<OutboundFrame>(new BoundedChannelOptions(OutboundCapacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true, SingleWriter = true })
            : Channel.CreateUnbounded<OutboundFrame>(new UnboundedChannelOptions { SingleWriter = true }); // not SingleReader: that one cannot count (Pending)
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

    /// <summary>Frames from a radio (or, from the spool, a system title) this gateway has no meter for (dropped).</summary>
    public long UnknownRadio => Interlocked.Read(ref _unknownRadio);

    /// <summary>Session answers dropped: no head-end node was subscribed to them (its session had ended), or too many waited for the publisher.</summary>
    public long ResponsesDropped => Interlocked.Read(ref _responsesDropped);

    public long Connects => Interlocked.Read(ref _connects);

    public long RequestsRelayed => Interlocked.Read(ref _requestsRelayed);

    /// <summary>Requests dropped because the radio's or the link's queue was full, or a DLMS/TCP meter had no link.</summary>
    public long RequestsDropped => Interlocked.Read(ref _requestsDropped) + (_links?.RequestsDropped ?? 0);

    /// <summary>Messages on a down topic that were not a request for one of this gateway's meters.</summary>
    public long RequestsRefused => Interlocked.Read(ref _requestsRefused);

    /// <summary>Requests the radio could not deliver to the meter.</summary>
    public long RadioFailures => Interlocked.Read(ref _radioFailures);

    /// <summary>Pushes appended to the spool (each flushed to disk before it was published).</summary>
    public long Spooled => Interlocked.Read(ref _spooled);

    /// <summary>Pushes read back from the spool at the start (not marked published when the gateway last stopped or died).</summary>
    public long Unspooled => Interlocked.Read(ref _unspooled);

    /// <summary>Pushes not marked published in the spool now: those still to publish.</summary>
    public int SpoolPending => _spool?.PendingCount ?? 0;

    /// <summary>Records of the spool found torn (a write cut by a crash) and cut off when it was read.</summary>
    public long SpoolTornRecords => _spool?.TornRecords ?? 0;

    /// <summary>Pushes lost: in hand at a stop with no spool to keep them, or refused by a full spool.</summary>
    public long Lost => Interlocked.Read(ref _lost);

    /// <summary>Whether the bridge keeps its pushes in a spool (<see cref="MqttBridgeOptions.SpoolPath"/>).</summary>
    public bool IsSpooling => _options.SpoolPath is not null;

    public bool IsConnected => _client.IsConnected && _connected.Task.IsCompleted;

    /// <summary>Frames waiting to be published: the spooled ones not yet published, the one in hand, and the queues before the publisher.</summary>
    public int Pending => _backlog.Count + (Volatile.Read(ref _inHand) is null ? 0 : 1) + _outbound.Reader.Count + _uplink.Reader.Count + (_concentrator?.Pushes.Count ?? 0);

    /// <summary>
    /// Hands a frame from a meter's DLMS/TCP link to the bridge, waiting while its queue is full (so the link is read
    /// no further meanwhile).
    /// </summary>
    public ValueTask OfferAsync(GatewayUplink uplink, CancellationToken cancellationToken) => _uplink.Writer.WriteAsync(new Intake(uplink, null), cancellationToken);

    /// <summary>
    /// Hands a frame from a meter's DLMS/TCP link to the bridge and waits until it is kept: a push, with a spool, until
    /// it is flushed to disk there (its flush group, shared with the other links' pushes that arrived meanwhile); an
    /// answer, or any frame without a spool, once taken. True when kept; false when the spool refused the push (full,
    /// counted <see cref="Lost"/>) or the bridge stopped before flushing it, so the link reads no further and closes.
    /// The wait is bounded by <paramref name="cancellationToken"/> (the link's own timeout).
    /// </summary>
    public async ValueTask<bool> OfferDurableAsync(GatewayUplink uplink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uplink);
        if (!uplink.IsPush || _options.SpoolPath is null)
        {
            await OfferAsync(uplink, cancellationToken).ConfigureAwait(false);
            return true;
        }

        var kept = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        await _uplink.Writer.WriteAsync(new Intake(uplink, kept), cancellationToken).ConfigureAwait(false);
        return await kept.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads the spool, then connects (reconnecting with back-off), relays both ways until cancelled, and spools what
    /// is still in hand before returning.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        LoadSpool();

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var workers = _downlink.Select(q => SendToRadiosAsync(q.Reader, stop.Token)).ToArray();
        var connection = ConnectLoopAsync(stop.Token);
        var intake = TakeZigbeeAsync(stop.Token);
        var spooling = SpoolLoopAsync(stop.Token);
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
            await Task.WhenAll([connection, intake, spooling, .. workers]).ConfigureAwait(false);
            SpoolAtStop();
            if (_client.IsConnected)
            {
                await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Opens the spool and reads its pending pushes into the backlog, once (<see cref="RunAsync"/> does it if not done
    /// before). A torn last record is cut off and counted (<see cref="SpoolTornRecords"/>); a file that is no spool
    /// throws <see cref="InvalidDataException"/> and is left where it is.
    /// </summary>
    public void LoadSpool()
    {
        if (_options.SpoolPath is not { } path || Interlocked.Exchange(ref _spoolLoaded, 1) != 0)
        {
            return;
        }

        _spool = PushSpool.Open(path, _options.SpoolMaxBytes, _options.MaxApduLength + WrapperFrame.HeaderLength);
        foreach (var push in _spool.Pending)
        {
            _backlog.Enqueue(new OutboundFrame(push.SystemTitle, push.Frame, IsPush: true, push.Sequence));
            Interlocked.Increment(ref _unspooled);
        }
    }

    public ValueTask DisposeAsync()
    {
        foreach (var queue in _downlink)
        {
            queue.Writer.TryComplete();
        }

        _spool?.Dispose();
        _client.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Moves the concentrator's frames to the bridge's queue, each named by its meter's system title.</summary>
    private async Task TakeZigbeeAsync(CancellationToken cancellationToken)
    {
        if (_concentrator is null)
        {
            return;
        }

        try
        {
            while (true)
            {
                var push = await _concentrator.Pushes.ReadAsync(cancellationToken).ConfigureAwait(false);
                if (ToUplink(push) is { } uplink)
                {
                    await _uplink.Writer.WriteAsync(new Intake(uplink, null), cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (ChannelClosedException)
        {
            // The concentrator stopped.
        }
    }

    private GatewayUplink? ToUplink(ZigbeePush push)
    {
        if (!_titles.TryGetValue(push.Source, out var title))
        {
            Interlocked.Increment(ref _unknownRadio);
            return null;
        }

        return new GatewayUplink(title, new WrapperFrame(push.SourceWPort, push.DestinationWPort, push.Apdu).ToArray(), push.DestinationWPort == MeterWPort);
    }

    /// <summary>
    /// Appends each push to the spool and flushes a group of them to disk (what every link handed over meanwhile) before
    /// handing them to the publisher; answers pass through in their place. The links waiting on a push of the group
    /// (<see cref="OfferDurableAsync"/>) are released after the flush, before the group goes to the publisher.
    /// </summary>
    private async Task SpoolLoopAsync(CancellationToken cancellationToken)
    {
        var batch = new List<OutboundFrame>(SpoolBatch);
        var waiting = new List<TaskCompletionSource<bool>>(SpoolBatch);
        try
        {
            while (await _uplink.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (batch.Count < SpoolBatch && _uplink.Reader.TryRead(out var intake))
                {
                    if (Keep(intake.Uplink) is { } frame)
                    {
                        batch.Add(frame);
                        if (intake.Kept is { } kept)
                        {
                            waiting.Add(kept);
                        }
                    }
                    else
                    {
                        intake.Kept?.TrySetResult(false);
                    }
                }

                _spool?.Flush();
                Release(waiting, kept: true);
                foreach (var frame in batch)
                {
                    await ToPublisherAsync(frame, cancellationToken).ConfigureAwait(false);
                }

                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The pushes of the batch in hand are in the spool; the stop flushes it.
        }
    }

    /// <summary>
    /// Queues a frame for the publisher: without a spool waiting for room; with one at once (a push is in the spool,
    /// which bounds them), an answer beyond <see cref="OutboundCapacity"/> waiting being dropped (counted).
    /// </summary>
    private ValueTask ToPublisherAsync(OutboundFrame frame, CancellationToken cancellationToken)
    {
        if (_spool is null)
        {
            return _outbound.Writer.WriteAsync(frame, cancellationToken);
        }

        if (!frame.IsPush)
        {
            if (Interlocked.Increment(ref _answersWaiting) > OutboundCapacity)
            {
                Interlocked.Decrement(ref _answersWaiting);
                Interlocked.Increment(ref _responsesDropped);
                return ValueTask.CompletedTask;
            }
        }

        _outbound.Writer.TryWrite(frame);
        return ValueTask.CompletedTask;
    }

    private static void Release(List<TaskCompletionSource<bool>> waiting, bool kept)
    {
        foreach (var link in waiting)
        {
            link.TrySetResult(kept);
        }

        waiting.Clear();
    }

    /// <summary>The frame for the publisher, its push appended to the spool first; null when the spool is full (counted lost).</summary>
    private OutboundFrame? Keep(GatewayUplink uplink)
    {
        if (!uplink.IsPush || _spool is null)
        {
            return new OutboundFrame(uplink.SystemTitle, uplink.Frame, uplink.IsPush, Sequence: -1);
        }

        if (_spool.Append(uplink.SystemTitle, uplink.Frame) is not { } kept)
        {
            Interlocked.Increment(ref _lost);
            return null;
        }

        Interlocked.Increment(ref _spooled);
        return new OutboundFrame(uplink.SystemTitle, uplink.Frame, IsPush: true, kept.Sequence);
    }

    private void Done(OutboundFrame frame)
    {
        if (frame.Sequence >= 0)
        {
            _spool?.MarkPublished(frame.Sequence);
        }

        Volatile.Write(ref _inHand, null);
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
                    frame = await _outbound.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                    if (!frame.IsPush && _spool is not null)
                    {
                        Interlocked.Decrement(ref _answersWaiting);
                    }
                }

                Volatile.Write(ref _inHand, frame);
            }

            if (!_meters.Contains(frame.Title))
            {
                // From the spool, for a meter no longer in the list.
                Interlocked.Increment(ref _unknownRadio);
                Done(frame);
                continue;
            }

            await _connected.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            switch (await PublishAsync(frame.Title, frame.Frame, cancellationToken).ConfigureAwait(false))
            {
                case MqttClientPublishReasonCode.Success:
                    Interlocked.Increment(ref _published);
                    Done(frame);
                    backoff = _options.ReconnectMin;
                    break;
                case MqttClientPublishReasonCode.NoMatchingSubscribers when !frame.IsPush:
                    // An answer nobody waits for: the head-end's session has ended.
                    Interlocked.Increment(ref _responsesDropped);
                    Done(frame);
                    break;
                case MqttClientPublishReasonCode.NoMatchingSubscribers or MqttClientPublishReasonCode.QuotaExceeded or MqttClientPublishReasonCode.UnspecifiedError:
                    // Not taken (no head-end node subscribed yet, or the broker busy, or the connection lost): again, later.
                    Interlocked.Increment(ref _republished);
                    await Task.Delay(backoff, _time, cancellationToken).ConfigureAwait(false);
                    backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _options.ReconnectMax.Ticks));
                    break;
                default:
                    Interlocked.Increment(ref _refused);
                    Done(frame);
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
        catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or InvalidOperationException)
        {
            // Stopped while connecting (MQTTnet reports it as a closed connection): the connect loop sees the stop.
            return false;
        }
    }

    /// <summary>Checks one message from a down topic and queues it for the meter's radio or DLMS/TCP link.</summary>
    private void Relay(string topic, ReadOnlySequence<byte> payload)
    {
        if (!GatewayTopics.TryParseDown(topic, out var title) || !_meters.Contains(title)
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

        if (_concentrator is not null && _radios.TryGetValue(title, out var radio))
        {
            _downlink[(int)(radio.Value % DownlinkWorkers)].Writer.TryWrite((radio, bytes));
        }
        else if (_links?.TrySend(title, bytes) == true)
        {
            Interlocked.Increment(ref _requestsRelayed);
        }
    }

    private async Task SendToRadiosAsync(ChannelReader<(XBeeAddress64 Radio, byte[] Frame)> queue, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var (radio, frame) in queue.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    await _concentrator!.Coordinator.GetNode(radio).SendAsync(frame, cancellationToken).ConfigureAwait(false);
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

    /// <summary>
    /// At a stop: the pushes not yet taken from the queues go to the spool too (flushed), so a clean stop keeps what a
    /// kill would have lost; without a spool every push not yet published is counted lost.
    /// </summary>
    private void SpoolAtStop()
    {
        var waiting = new List<TaskCompletionSource<bool>>();
        while (_uplink.Reader.TryRead(out var intake))
        {
            if (intake.Uplink.IsPush && Keep(intake.Uplink) is not null && intake.Kept is { } kept)
            {
                waiting.Add(kept);
            }
            else
            {
                intake.Kept?.TrySetResult(false);
            }
        }

        while (_concentrator is not null && _concentrator.Pushes.TryRead(out var push))
        {
            if (ToUplink(push) is { IsPush: true } uplink)
            {
                Keep(uplink);
            }
        }

        if (_spool is null)
        {
            var held = (Volatile.Read(ref _inHand) is { IsPush: true } ? 1 : 0) + _backlog.Count(f => f.IsPush);
            while (_outbound.Reader.TryRead(out var frame))
            {
                held += frame.IsPush ? 1 : 0;
            }

            Interlocked.Add(ref _lost, held);
            return;
        }

        _spool.Flush();
        Release(waiting, kept: true);
    }

    /// <summary>A frame handed to the bridge, and the link waiting until it is kept (null when none waits).</summary>
    private sealed record Intake(GatewayUplink Uplink, TaskCompletionSource<bool>? Kept);

    private sealed record OutboundFrame(string Title, byte[] Frame, bool IsPush, long Sequence);
}
