using System.Buffers;
using System.Globalization;
using System.Net;
using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Mqtt.Credentials;
using Meterline.HeadEnd.Mqtt.Links;
using Meterline.HeadEnd.Mqtt.Topics;
using Meterline.HeadEnd.Mqtt.Uplink;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace Meterline.HeadEnd.Mqtt.Broker;

/// <summary>
/// The node's embedded MQTT broker (MQTTnet's server behind <see cref="GuardedMqttServerAdapter"/>): meters log in with
/// their system title and MQTT password (MQTT 5 only; client id = user name), may publish only to their own
/// <c>up</c> topic and subscribe only to their own <c>down</c> topic. A push's PUBACK is sent only after the ingest
/// pipeline committed it (success) or refused or failed it (an error reason code), so an acknowledged reading is never
/// lost. Refused logins and ACL violations are refused at the sink (counted and audited per source and window).
/// </summary>
public sealed class MqttBroker : IMqttDownlink, IAsyncDisposable
{
    /// <summary>The client id the head-end's own messages carry.</summary>
    public const string HeadEndClientId = "meterline-hes";

    // The one session item: the client's guarded channel, which knows its meter and source (one entry in MQTTnet's
    // per-session dictionary rather than three: BENCHMARKS.md, "Memory per connected meter").
    private const string ChannelItem = "meterline.channel";

    private readonly MqttCredentialStore _credentials;
    private readonly MqttBrokerOptions _options;
    private readonly GuardedMqttServerAdapter _adapter;
    private readonly MqttServer _server;
    private readonly MqttUplinkHandler _uplink;
    private readonly IInboundFrameSink _sink;
    private long _logins;
    private long _refusedLogins;
    private long _denied;
    private long _quotaPauses;

    public MqttBroker(IInboundFrameSink sink, ConnectionGate gate, MqttCredentialStore credentials, MqttBrokerOptions? options = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(gate);
        ArgumentNullException.ThrowIfNull(credentials);
        _options = options ?? new MqttBrokerOptions();
        _options.Validate();
        _sink = sink;
        _credentials = credentials;
        _uplink = new MqttUplinkHandler(sink, Sessions, _options.Uplink, time);
        _adapter = new GuardedMqttServerAdapter(_options.Endpoints, gate, sink, _options.Tls, _options.Guard, _options, time ?? TimeProvider.System);
        var serverOptions = new MqttServerOptionsBuilder()
            .WithoutDefaultEndpoint()
            .WithMaxPendingMessagesPerClient(_options.MaxPendingMessagesPerClient)
            .WithPendingMessagesOverflowStrategy(MqttPendingMessagesOverflowStrategy.DropOldestQueuedMessage)
            .Build();
        _server = new MqttServerFactory().CreateMqttServer(serverOptions, [_adapter]);
        _server.ValidatingConnectionAsync += ValidateConnectionAsync;
        _server.InterceptingPublishAsync += InterceptPublishAsync;
        _server.InterceptingSubscriptionAsync += InterceptSubscriptionAsync;
    }

    public MqttSessionRouter Sessions { get; } = new();

    /// <summary>The bound listeners (after <see cref="StartAsync"/>).</summary>
    public IReadOnlyList<IPEndPoint> Endpoints => _adapter.BoundEndpoints;

    /// <summary>Clients whose credentials were accepted.</summary>
    public long Logins => Interlocked.Read(ref _logins);

    /// <summary>CONNECTs refused (credentials, protocol version, client id).</summary>
    public long RefusedLogins => Interlocked.Read(ref _refusedLogins);

    /// <summary>Publishes and subscriptions refused by the ACL.</summary>
    public long AccessDenied => Interlocked.Read(ref _denied);

    /// <summary>Connections closed by the pre-authentication guard.</summary>
    public long GuardViolations => _adapter.Violations;

    /// <summary>Pushes handed to the pipeline.</summary>
    public long Pushes => _uplink.Pushes;

    /// <summary>Times a connection was left unread because a publish of it was over its source's or meter's quota.</summary>
    public long QuotaPauses => Interlocked.Read(ref _quotaPauses);

    public Task StartAsync() => _server.StartAsync();

    /// <summary>Runs the broker until cancelled (a node loop).</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (!_server.IsStarted)
        {
            await StartAsync().ConfigureAwait(false);
        }

        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            await StopAsync().ConfigureAwait(false);
        }
    }

    public async Task StopAsync()
    {
        if (_server.IsStarted)
        {
            await _server.StopAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Nothing to prepare: the broker sees every up message itself.</summary>
    public Task OpenSessionAsync(MeterSystemTitle meter, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task CloseSessionAsync(MeterSystemTitle meter) => Task.CompletedTask;

    public Task PublishDownAsync(MeterSystemTitle meter, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(MeterTopics.Down(meter))
            .WithPayload(payload.ToArray())
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        return _server.InjectApplicationMessage(new InjectedMqttApplicationMessage(message) { SenderClientId = HeadEndClientId }, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _server.Dispose();
        _adapter.Dispose();
    }

    private async Task ValidateConnectionAsync(ValidatingConnectionEventArgs e)
    {
        var channel = GuardedMqttServerAdapter.ChannelOf(e.ChannelAdapter);
        var linkId = channel?.Lease.LinkId ?? "mqtt:" + e.RemoteEndPoint;
        var source = channel?.Lease.Source ?? (e.RemoteEndPoint as IPEndPoint)?.Address.ToString() ?? "unknown";
        if (e.ProtocolVersion != MqttProtocolVersion.V500)
        {
            Refuse(e, MqttConnectReasonCode.UnsupportedProtocolVersion, linkId, source, IngestRejectReason.Malformed, "not MQTT 5");
            return;
        }

        if (e.ClientId is null || e.ClientId.Contains('\0', StringComparison.Ordinal))
        {
            // MQTT 5.0 §1.5.4: a UTF-8 string must not include U+0000.
            Refuse(e, MqttConnectReasonCode.ClientIdentifierNotValid, linkId, source, IngestRejectReason.Malformed, "a client id holding U+0000");
            return;
        }

        if (channel is null)
        {
            // Every connection comes through the guarded adapter; one that did not has no gate lease and no guard.
            Refuse(e, MqttConnectReasonCode.UnspecifiedError, linkId, source, IngestRejectReason.Malformed, "a connection not accepted by the broker's listener");
            return;
        }

        var meter = await _credentials.VerifyAsync(e.UserName, e.RawPassword ?? [], e.CancellationToken).ConfigureAwait(false);
        if (meter is null)
        {
            Refuse(e, MqttConnectReasonCode.BadUserNameOrPassword, linkId, source, IngestRejectReason.BadCredentials,
                string.Create(CultureInfo.InvariantCulture, $"user name '{Printable(e.UserName)}'"));
            return;
        }

        if (!string.Equals(e.ClientId, e.UserName, StringComparison.Ordinal))
        {
            // A meter's client id is its system title, so no client can take over another meter's session.
            Refuse(e, MqttConnectReasonCode.ClientIdentifierNotValid, linkId, source, IngestRejectReason.AccessDenied,
                string.Create(CultureInfo.InvariantCulture, $"meter {meter.SystemTitle} connecting as client id '{Printable(e.ClientId)}'"));
            return;
        }

        e.SessionItems[ChannelItem] = channel;
        e.ReasonCode = MqttConnectReasonCode.Success;
        channel.Authenticate(e.UserName!, meter.SystemTitle);
        Interlocked.Increment(ref _logins);
    }

    private async Task InterceptPublishAsync(InterceptingPublishEventArgs e)
    {
        if (string.Equals(e.ClientId, HeadEndClientId, StringComparison.Ordinal))
        {
            // The head-end's own request to a meter (injected; no client can log in with this id, a meter's client id
            // being its system title).
            return;
        }

        // Nothing a meter publishes is routed on by the broker: the head-end consumes it here.
        e.ProcessPublish = false;

        if (e.SessionItems?[ChannelItem] is not GuardedMqttChannel { Meter: { } meter } channel
            || !MeterTopics.TryParseUp(e.ApplicationMessage.Topic, out var topicMeter) || topicMeter != meter)
        {
            Deny(e.ClientId, $"publish to '{Printable(e.ApplicationMessage.Topic)}'");
            e.Response.ReasonCode = MqttPubAckReasonCode.NotAuthorized;
            return;
        }

        var result = await _uplink.HandleAsync(meter, channel.Lease.Source, e.ApplicationMessage.Payload.ToArray(), e.CancellationToken).ConfigureAwait(false);
        e.Response.ReasonCode = ReasonCode(result);
        if (channel.OnQuota(result.Reason is IngestRejectReason.SourceRateLimited or IngestRejectReason.MeterRateLimited))
        {
            // Over its quota: the connection is left unread for a while, so that TCP flow control holds the rest back.
            Interlocked.Increment(ref _quotaPauses);
        }
    }

    private Task InterceptSubscriptionAsync(InterceptingSubscriptionEventArgs e)
    {
        if (e.SessionItems?[ChannelItem] is not GuardedMqttChannel { Meter: { } meter }
            || !string.Equals(e.TopicFilter.Topic, MeterTopics.Down(meter), StringComparison.Ordinal))
        {
            Deny(e.ClientId, $"subscribe to '{Printable(e.TopicFilter.Topic)}'");
            e.ProcessSubscription = false;
            e.Response.ReasonCode = MqttSubscribeReasonCode.NotAuthorized;
        }

        return Task.CompletedTask;
    }

    internal static MqttPubAckReasonCode ReasonCode(UplinkResult result) => result.Disposition switch
    {
        UplinkDisposition.Accepted => MqttPubAckReasonCode.Success,
        UplinkDisposition.Failed => MqttPubAckReasonCode.UnspecifiedError,
        _ => result.Reason switch
        {
            IngestRejectReason.SourceRateLimited or IngestRejectReason.MeterRateLimited => MqttPubAckReasonCode.QuotaExceeded,
            IngestRejectReason.Malformed or IngestRejectReason.Oversize or IngestRejectReason.Unprotected or IngestRejectReason.Undecodable => MqttPubAckReasonCode.PayloadFormatInvalid,
            _ => MqttPubAckReasonCode.NotAuthorized,
        },
    };

    private void Refuse(ValidatingConnectionEventArgs e, MqttConnectReasonCode code, string linkId, string source, IngestRejectReason reason, string detail)
    {
        e.ReasonCode = code;
        Interlocked.Increment(ref _refusedLogins);
        _sink.RejectUnread(linkId, source, reason, detail);
    }

    private void Deny(string clientId, string what)
    {
        Interlocked.Increment(ref _denied);
        _sink.RejectUnread("mqtt:" + clientId, SourceOf(clientId), IngestRejectReason.AccessDenied, $"client '{Printable(clientId)}' may not {what}");
    }

    /// <summary>The source of a client whose address is not known here: its client id.</summary>
    private static string SourceOf(string clientId) => "mqtt:" + clientId;

    private static string Printable(string? text) =>
        text is null ? "" : new string([.. text.Take(64).Select(c => char.IsControl(c) ? '?' : c)]);
}
