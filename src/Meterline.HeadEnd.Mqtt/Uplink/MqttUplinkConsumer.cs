using System.Buffers;
using System.Collections.Concurrent;
using System.Threading.Channels;
using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Mqtt.Client;
using Meterline.HeadEnd.Mqtt.Links;
using Meterline.HeadEnd.Mqtt.Topics;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Meterline.HeadEnd.Mqtt.Uplink;

/// <summary>
/// A head-end node as a client of an external broker: subscribes with the shared subscription
/// <c>$share/{group}/meterline/+/up</c> (MQTT 5, QoS 1) so that the nodes of a group split the meters' pushes, and
/// acknowledges each message manually, only after the pipeline committed it (or refused it for good); a message the
/// pipeline failed is not acknowledged, and the node reconnects so the broker delivers it again (its session is kept:
/// fixed client id, clean start off). Messages go to <see cref="MqttUplinkConsumerOptions.Workers"/> workers, each
/// with its own bounded queue; a meter's messages always go to the same worker, which hands them to the pipeline one
/// at a time in the order the broker delivered them (MQTT 5 §4.6) — each once the one before is queued, not committed:
/// the pipeline checks a push against the committed counters when it queues it, so a later push committed ahead of
/// an earlier one that is already queued does not make that one a replay. A push's PUBACK follows its commit: the
/// batch writer's completion hands it to the consumer's one acknowledgement writer, which sends the PUBACKs of one
/// commit together, in one socket write (<see cref="CoalescingMqttClientAdapter"/>), so the messages in hand at once —
/// what one group commit can take — are bounded by the node's Receive Maximum
/// (<see cref="MqttUplinkConsumerOptions.QueueCapacity"/>), not by the workers. A message
/// over its meter's quota is tried again later rather than refused (the broker has acknowledged it to the meter
/// already) while its worker's queue has room. Reconnects with doubling back-off. Also the node's downlink: requests
/// are published to the meter's down topic, and while a session is open the node subscribes to that meter's up topic
/// itself (subscription identifier 2) for the responses, which the shared subscription (identifier 1) leaves alone.
/// </summary>
public sealed class MqttUplinkConsumer : IMqttDownlink, IAsyncDisposable
{
    private const uint SharedSubscription = 1;
    private const uint SessionSubscription = 2;

    private readonly MqttUplinkConsumerOptions _options;
    private readonly MqttUplinkHandler _handler;
    private readonly IMqttClient _client;
    private readonly Channel<ReceivedMessage>[] _queues;
    private readonly CoalescingMqttClientAdapterFactory _adapters = new();
    private readonly PublishAcknowledger _acknowledger = new();
    // Messages in hand (received, not yet acknowledged or given up): at most the Receive Maximum, whether or not the
    // broker keeps to it — the receive handler waits for room, so MQTTnet stops reading from the broker.
    private readonly SemaphoreSlim _inHand;
    // Cancelled when the node loop stops: ends a receive handler's wait for room (nothing gives room back then).
    private readonly CancellationTokenSource _stopping = new();
    private readonly int _queueCapacity;
    private readonly ConcurrentDictionary<MeterSystemTitle, int> _sessionSubscriptions = new();
    private readonly SemaphoreSlim _subscribing = new(1, 1);
    private readonly TimeProvider _time;
    private TaskCompletionSource _disconnected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _connects;
    private long _handled;
    private long _unacknowledged;
    private long _redelivered;
    private long _connection;
    private long _subscribedConnection;
    private long _throttled;
    private long _shedRetries;
    private long _acknowledgementWrites;

    public MqttUplinkConsumer(IInboundFrameSink sink, MqttUplinkConsumerOptions options, MqttUplinkOptions? uplink = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _time = time ?? TimeProvider.System;
        _handler = new MqttUplinkHandler(sink, Sessions, uplink, _time);
        _queueCapacity = Math.Max(1, options.QueueCapacity / options.Workers);
        _queues = [.. Enumerable.Range(0, options.Workers).Select(_ => Channel.CreateBounded<ReceivedMessage>(
            new BoundedChannelOptions(_queueCapacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true }))];
        _inHand = new SemaphoreSlim(options.QueueCapacity, options.QueueCapacity);
        _client = new MqttClientFactory().CreateMqttClient(_adapters);
        _client.ApplicationMessageReceivedAsync += async e =>
        {
            e.AutoAcknowledge = false;
            if (e.ApplicationMessage.Dup)
            {
                Interlocked.Increment(ref _redelivered);
            }

            // The topic is parsed once, here: it picks the worker (a meter's messages stay in order on one).
            var isUp = MeterTopics.TryParseUp(e.ApplicationMessage.Topic, out var meter);
            var worker = isUp ? (int)(meter.Value % (ulong)_queues.Length) : 0;
            try
            {
                await _inHand.WaitAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopping: left unacknowledged; the broker delivers it again to the group.
                Interlocked.Increment(ref _unacknowledged);
                return;
            }

            await _queues[worker].Writer.WriteAsync(new ReceivedMessage(e, Interlocked.Read(ref _connection), isUp, meter)).ConfigureAwait(false);
        };
        _client.DisconnectedAsync += _ =>
        {
            _disconnected.TrySetResult();
            return Task.CompletedTask;
        };
    }

    public MqttSessionRouter Sessions { get; } = new();

    /// <summary>Successful connects (the first and every reconnect).</summary>
    public long Connects => Interlocked.Read(ref _connects);

    /// <summary>Messages handled and acknowledged.</summary>
    public long Handled => Interlocked.Read(ref _handled);

    /// <summary>Messages left unacknowledged for the broker to deliver again.</summary>
    public long Unacknowledged => Interlocked.Read(ref _unacknowledged);

    /// <summary>Messages the broker delivered again (DUP set: sent before on a connection that ended unacknowledged).</summary>
    public long Redelivered => Interlocked.Read(ref _redelivered);

    /// <summary>Attempts refused over a quota and tried again later (not acknowledged in between).</summary>
    public long Throttled => Interlocked.Read(ref _throttled);

    /// <summary>Attempts shed by a full pipeline queue and tried again later (not acknowledged in between).</summary>
    public long ShedRetries => Interlocked.Read(ref _shedRetries);

    /// <summary>Pushes handed to the pipeline.</summary>
    public long Pushes => _handler.Pushes;

    /// <summary>Socket writes that carried PUBACKs (each one commit's, or fewer when other packets came between).</summary>
    public long AcknowledgementWrites => Interlocked.Read(ref _acknowledgementWrites);

    public bool IsConnected => _client.IsConnected;

    /// <summary>
    /// Connected, and this connection's subscriptions granted: a push published now reaches this node. (Connected alone
    /// is not enough: between CONNACK and SUBACK the broker has no subscription of ours to deliver to.)
    /// </summary>
    public bool IsSubscribed => _client.IsConnected && Interlocked.Read(ref _subscribedConnection) == Interlocked.Read(ref _connection);

    /// <summary>Connects, subscribes and consumes until cancelled, reconnecting with back-off (a node loop).</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var workers = _queues.Select(q => WorkAsync(q.Reader, cancellationToken)).ToArray();
        var acknowledging = WriteAcknowledgementsAsync(cancellationToken);
        var delay = _options.ReconnectMin;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if (await TryConnectAsync(cancellationToken).ConfigureAwait(false))
                {
                    delay = _options.ReconnectMin;
                    await _disconnected.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
                    continue;
                }

                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.ReconnectMax.Ticks));
            }
        }
        catch (Exception e) when (cancellationToken.IsCancellationRequested && e is OperationCanceledException or MQTTnet.Exceptions.MqttCommunicationException)
        {
            // Stopped mid-request: MQTTnet reports a CONNECT or SUBSCRIBE cut short by the token as its own exception
            // (a connecting failure, a timeout), not as a cancellation.
        }
        finally
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
            CompleteQueues();
            await Task.WhenAll(workers).ConfigureAwait(false);
            await acknowledging.ConfigureAwait(false);
            if (_client.IsConnected)
            {
                await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    public async Task OpenSessionAsync(MeterSystemTitle meter, CancellationToken cancellationToken = default)
    {
        await _subscribing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var count = _sessionSubscriptions.GetValueOrDefault(meter);
            if (count == 0)
            {
                await _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
                    .WithTopicFilter(MeterTopics.Up(meter), MqttQualityOfServiceLevel.AtLeastOnce)
                    .WithSubscriptionIdentifier(SessionSubscription)
                    .Build(), cancellationToken).ConfigureAwait(false);
            }

            _sessionSubscriptions[meter] = count + 1;
        }
        finally
        {
            _subscribing.Release();
        }
    }

    public async Task CloseSessionAsync(MeterSystemTitle meter)
    {
        await _subscribing.WaitAsync().ConfigureAwait(false);
        try
        {
            var count = _sessionSubscriptions.GetValueOrDefault(meter) - 1;
            if (count > 0)
            {
                _sessionSubscriptions[meter] = count;
                return;
            }

            _sessionSubscriptions.TryRemove(meter, out _);
            if (_client.IsConnected)
            {
                await _client.UnsubscribeAsync(MeterTopics.Up(meter)).ConfigureAwait(false);
            }
        }
        finally
        {
            _subscribing.Release();
        }
    }

    public async Task PublishDownAsync(MeterSystemTitle meter, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        var result = await _client.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(MeterTopics.Down(meter))
            .WithPayload(payload.ToArray())
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build(), cancellationToken).ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            throw new Meterline.Dlms.Links.DlmsLinkException($"The broker refused the request to meter {meter}: {result.ReasonCode}", isTransient: true);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        CompleteQueues();
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), CancellationToken.None).ConfigureAwait(false);
        }

        _client.Dispose();
        _subscribing.Dispose();
        _inHand.Dispose();
        _stopping.Dispose();
    }

    private async Task<bool> TryConnectAsync(CancellationToken cancellationToken)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(_options.Host, _options.Port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(_options.ClientId)
            .WithCredentials(_options.UserName, _options.Password)
            .WithCleanStart(false)
            .WithSessionExpiryInterval((uint)_options.SessionExpiry.TotalSeconds)
            .WithReceiveMaximum((ushort)Math.Min(ushort.MaxValue, _options.QueueCapacity))
            .WithTimeout(TimeSpan.FromSeconds(10));
        if (_options.UseTls)
        {
            builder = builder.WithTlsOptions(tls =>
            {
                tls.UseTls();
                if (_options.AcceptAnyServerCertificate)
                {
                    tls.WithCertificateValidationHandler(_ => true);
                }
            });
        }

        try
        {
            _disconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            // Messages from here on belong to the new connection; those still in hand from the last one cannot be
            // acknowledged any more (the broker delivers them again, DUP set).
            Interlocked.Increment(ref _connection);
            var connected = await _client.ConnectAsync(builder.Build(), cancellationToken).ConfigureAwait(false);
            if (connected.ResultCode != MqttClientConnectResultCode.Success)
            {
                return false;
            }

            var subscribe = new MqttClientSubscribeOptionsBuilder()
                .WithTopicFilter(MeterTopics.SharedUp(_options.ShareGroup), MqttQualityOfServiceLevel.AtLeastOnce)
                .WithSubscriptionIdentifier(SharedSubscription)
                .Build();
            var subscribed = await _client.SubscribeAsync(subscribe, cancellationToken).ConfigureAwait(false);
            if (subscribed.Items.Any(i => (int)i.ResultCode > (int)MqttClientSubscribeResultCode.GrantedQoS2))
            {
                await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), cancellationToken).ConfigureAwait(false);
                return false;
            }

            foreach (var meter in _sessionSubscriptions.Keys)
            {
                await _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
                    .WithTopicFilter(MeterTopics.Up(meter), MqttQualityOfServiceLevel.AtLeastOnce)
                    .WithSubscriptionIdentifier(SessionSubscription)
                    .Build(), cancellationToken).ConfigureAwait(false);
            }

            Interlocked.Exchange(ref _subscribedConnection, Interlocked.Read(ref _connection));
            Interlocked.Increment(ref _connects);
            return true;
        }
        catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private void CompleteQueues()
    {
        foreach (var queue in _queues)
        {
            queue.Writer.TryComplete();
        }
    }

    /// <summary>
    /// Hands a worker's messages to the pipeline in order, each once the one before is queued; a queued push's answer
    /// goes to the acknowledgement writer when the pipeline completes it, a settled message's (refused, a response) at once.
    /// </summary>
    private async Task WorkAsync(ChannelReader<ReceivedMessage> queue, CancellationToken cancellationToken)
    {
        await Task.Yield();
        await foreach (var received in queue.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            var message = received.Args.ApplicationMessage;
            if (!received.IsUp)
            {
                _acknowledger.Add(new ReadyAcknowledgement(received, MqttApplicationMessageReceivedReasonCode.TopicNameInvalid));
                continue;
            }

            var meter = received.Meter;
            var ids = message.SubscriptionIdentifiers;
            var path = ids is null || ids.Count == 0 || (ids.Contains(SharedSubscription) && ids.Contains(SessionSubscription)) ? UplinkPath.All
                : ids.Contains(SessionSubscription) ? UplinkPath.Responses : UplinkPath.Pushes;
            UplinkSubmission submission;
            try
            {
                var payload = message.Payload.ToArray();
                var link = MqttUplinkHandler.LinkId(meter);
                submission = await _handler.SubmitAsync(meter, link, link, payload, cancellationToken, path).ConfigureAwait(false);
                var wait = _options.QuotaRetryMin;
                while (IsWorthWaiting(submission) && queue.Count < _queueCapacity)
                {
                    // Over the meter's quota: the broker has already taken it from the meter, so refusing it would
                    // lose it. A backlog (the node was away) drains at the meter's rate instead; this worker's other
                    // meters wait behind it. Once this worker's queue is full the wait would stop the whole
                    // connection (a flood through the broker would starve every meter), so the message is refused
                    // then, as the embedded broker refuses it. Shed (the pipeline's queue was full, which up to
                    // the Receive Maximum in hand can do when other transports fill it too): tried again the
                    // same way, rather than a reconnect that would have the broker send everything in hand again.
                    if (submission.Settled.Disposition == UplinkDisposition.Failed)
                    {
                        Interlocked.Increment(ref _shedRetries);
                    }
                    else
                    {
                        Interlocked.Increment(ref _throttled);
                    }

                    await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
                    wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, _options.QuotaRetryMax.Ticks));
                    submission = await _handler.SubmitAsync(meter, link, link, payload, cancellationToken, path).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException)
            {
                // Stopping: leave it unacknowledged; the broker delivers it again to the group.
                Interlocked.Increment(ref _unacknowledged);
                _inHand.Release();
                continue;
            }

            if (submission.Acknowledgement is { } acknowledgement)
            {
                // The PUBACK waits for the commit: the batch writer hands it to the acknowledgement writer with the
                // rest of its commit's. This worker goes on with its next message.
                _acknowledger.Expect();
                acknowledgement.Then(outcome => _acknowledger.Add(ReadyAcknowledgement.Of(received, UplinkSubmission.ResultOf(outcome)), expected: true));
                continue;
            }

            _acknowledger.Add(ReadyAcknowledgement.Of(received, submission.Settled));
        }
    }

    /// <summary>Refused over a quota, or shed by a full pipeline: the message is good, and worth trying again shortly.</summary>
    private static bool IsWorthWaiting(UplinkSubmission submission) =>
        submission.Commit is null
        && (submission.Settled.Reason is IngestRejectReason.MeterRateLimited or IngestRejectReason.SourceRateLimited
            || submission.Settled.Disposition == UplinkDisposition.Failed);

    /// <summary>
    /// The connection's one acknowledgement writer: takes the answered messages handed over (a commit's at a time, or
    /// more when several came while it wrote) and sends their PUBACKs in one gather — one socket write; then, if the
    /// pipeline failed any, reconnects without acknowledging those, so the broker delivers them again. Until
    /// cancelled; what is left then is not acknowledged (the broker delivers it again).
    /// </summary>
    private async Task WriteAcknowledgementsAsync(CancellationToken cancellationToken)
    {
        await Task.Yield();
        var batch = new List<ReadyAcknowledgement>();
        while (await _acknowledger.WaitAsync(cancellationToken).ConfigureAwait(false))
        {
            _acknowledger.Take(batch);
            await AcknowledgeAsync(batch).ConfigureAwait(false);
            if (batch.Count > 0)
            {
                _inHand.Release(batch.Count);
            }
        }

        Interlocked.Add(ref _unacknowledged, _acknowledger.Close(batch));
    }

    /// <summary>Sends the PUBACKs of <paramref name="batch"/> in one write; for messages the pipeline failed, none and a reconnect.</summary>
    private async Task AcknowledgeAsync(List<ReadyAcknowledgement> batch)
    {
        var connection = Interlocked.Read(ref _connection);
        var adapter = _adapters.Current;
        var failed = false;
        var gathered = 0;
        using var timeout = new CancellationTokenSource(_options.AcknowledgeTimeout, _time);
        try
        {
            adapter?.BeginGather();
            foreach (var (received, code) in batch)
            {
                if (code is not { } reasonCode)
                {
                    // Not stored now: no acknowledgement, and (after this batch's PUBACKs) a reconnect so the broker
                    // delivers it again.
                    Interlocked.Increment(ref _unacknowledged);
                    failed |= received.Connection == connection;
                    continue;
                }

                if (received.Connection != connection || !_client.IsConnected)
                {
                    // Its connection is gone: the broker delivers it again on this one (DUP), where it is handled anew.
                    Interlocked.Increment(ref _unacknowledged);
                    continue;
                }

                received.Args.ReasonCode = reasonCode;
                await received.Args.AcknowledgeAsync(timeout.Token).ConfigureAwait(false);
                gathered++;
            }

            if (adapter is not null && await adapter.EndGatherAsync(timeout.Token).ConfigureAwait(false))
            {
                Interlocked.Increment(ref _acknowledgementWrites);
            }

            Interlocked.Add(ref _handled, gathered);
        }
        catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or InvalidOperationException or OperationCanceledException)
        {
            // The connection went: the broker delivers them again.
            Interlocked.Add(ref _unacknowledged, gathered);
        }

        if (failed && _client.IsConnected && connection == Interlocked.Read(ref _connection))
        {
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.UnspecifiedError).Build(), CancellationToken.None).ConfigureAwait(false);
        }
    }
}
