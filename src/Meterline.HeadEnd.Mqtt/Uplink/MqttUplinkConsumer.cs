using System.Buffers;
using System.Collections.Concurrent;
using System.Threading.Channels;
using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Meters;
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
/// an earlier one that is already queued does not make that one a replay. The worker's acknowledger sends each PUBACK
/// once its push is committed, so the messages in hand at once — what one group commit can take — are bounded by
/// the node's Receive Maximum (<see cref="MqttUplinkConsumerOptions.QueueCapacity"/>), not by the workers. A message
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
    private readonly Channel<PendingCommit>[] _pending;
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
        _pending = [.. Enumerable.Range(0, options.Workers).Select(_ => Channel.CreateBounded<PendingCommit>(
            new BoundedChannelOptions(_queueCapacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true, SingleWriter = true }))];
        _client = new MqttClientFactory().CreateMqttClient();
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

    public bool IsConnected => _client.IsConnected;

    /// <summary>
    /// Connected, and this connection's subscriptions granted: a push published now reaches this node. (Connected alone
    /// is not enough: between CONNACK and SUBACK the broker has no subscription of ours to deliver to.)
    /// </summary>
    public bool IsSubscribed => _client.IsConnected && Interlocked.Read(ref _subscribedConnection) == Interlocked.Read(ref _connection);

    /// <summary>Connects, subscribes and consumes until cancelled, reconnecting with back-off (a node loop).</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var workers = _queues.Select((q, i) => WorkAsync(q.Reader, _pending[i].Writer, cancellationToken))
            .Concat(_pending.Select(p => AcknowledgeWhenCommittedAsync(p.Reader, cancellationToken))).ToArray();
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
            CompleteQueues();
            await Task.WhenAll(workers).ConfigureAwait(false);
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
        CompleteQueues();
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), CancellationToken.None).ConfigureAwait(false);
        }

        _client.Dispose();
        _subscribing.Dispose();
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
    /// Hands a worker's messages to the pipeline in order, each once the one before is queued, and passes each queued
    /// push to the worker's acknowledger; a settled message (refused, a response) is acknowledged at once. Completes the
    /// acknowledger's queue when its own ends.
    /// </summary>
    private async Task WorkAsync(ChannelReader<ReceivedMessage> queue, ChannelWriter<PendingCommit> pending, CancellationToken cancellationToken)
    {
        await Task.Yield();
        try
        {
            await foreach (var received in queue.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
            {
                var message = received.Args.ApplicationMessage;
                if (!received.IsUp)
                {
                    await AcknowledgeAsync(received, MqttApplicationMessageReceivedReasonCode.TopicNameInvalid).ConfigureAwait(false);
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
                    continue;
                }

                if (submission.Commit is { } commit)
                {
                    // The PUBACK waits for the commit in the acknowledger; this worker goes on with its next message.
                    await pending.WriteAsync(new PendingCommit(received, commit), CancellationToken.None).ConfigureAwait(false);
                    continue;
                }

                await SettleAsync(received, submission.Settled).ConfigureAwait(false);
            }
        }
        finally
        {
            pending.TryComplete();
        }
    }

    /// <summary>Refused over a quota, or shed by a full pipeline: the message is good, and worth trying again shortly.</summary>
    private static bool IsWorthWaiting(UplinkSubmission submission) =>
        submission.Commit is null
        && (submission.Settled.Reason is IngestRejectReason.MeterRateLimited or IngestRejectReason.SourceRateLimited
            || submission.Settled.Disposition == UplinkDisposition.Failed);

    /// <summary>Acknowledges a worker's queued pushes, each once the pipeline has committed, refused or failed it.</summary>
    private async Task AcknowledgeWhenCommittedAsync(ChannelReader<PendingCommit> pending, CancellationToken cancellationToken)
    {
        await Task.Yield();
        await foreach (var (received, commit) in pending.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            FrameOutcome outcome;
            try
            {
                // Often done already (a batch's pushes complete together): no wait to set up then.
                outcome = commit.IsCompletedSuccessfully ? commit.Result : await commit.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopping: leave it unacknowledged; the broker delivers it again to the group.
                Interlocked.Increment(ref _unacknowledged);
                continue;
            }

            await SettleAsync(received, UplinkSubmission.ResultOf(outcome)).ConfigureAwait(false);
        }
    }

    /// <summary>Sends the message's PUBACK, or for a message the pipeline failed, none and a reconnect.</summary>
    private async Task SettleAsync(ReceivedMessage received, UplinkResult result)
    {
        if (result.Disposition == UplinkDisposition.Failed)
        {
            // Not stored now: no acknowledgement, and a reconnect so the broker delivers it again.
            Interlocked.Increment(ref _unacknowledged);
            if (_client.IsConnected && received.Connection == Interlocked.Read(ref _connection))
            {
                await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.UnspecifiedError).Build(), CancellationToken.None).ConfigureAwait(false);
            }

            return;
        }

        await AcknowledgeAsync(received, result.Disposition == UplinkDisposition.Accepted
            ? MqttApplicationMessageReceivedReasonCode.Success
            : MqttApplicationMessageReceivedReasonCode.ImplementationSpecificError).ConfigureAwait(false);
    }

    private async Task AcknowledgeAsync(ReceivedMessage received, MqttApplicationMessageReceivedReasonCode code)
    {
        if (received.Connection != Interlocked.Read(ref _connection) || !_client.IsConnected)
        {
            // Its connection is gone: the broker delivers it again on this one (DUP), where it is handled anew.
            Interlocked.Increment(ref _unacknowledged);
            return;
        }

        received.Args.ReasonCode = code;
        using var timeout = new CancellationTokenSource(_options.AcknowledgeTimeout, _time);
        try
        {
            await received.Args.AcknowledgeAsync(timeout.Token).ConfigureAwait(false);
            Interlocked.Increment(ref _handled);
        }
        catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or InvalidOperationException or OperationCanceledException)
        {
            // The connection went: the broker delivers it again.
            Interlocked.Increment(ref _unacknowledged);
        }
    }
}
