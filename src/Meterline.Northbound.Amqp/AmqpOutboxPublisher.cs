using System.Security.Cryptography.X509Certificates;
using System.Text;
using Meterline.HeadEnd.Northbound;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Meterline.Northbound.Amqp;

/// <summary>
/// Publishes outbox messages to a durable topic exchange over AMQP 0-9-1 (RabbitMQ.Client 7) with publisher confirms
/// tracked by the client: every message of a round is in flight at once, and rounds may overlap (one sends while an
/// earlier one waits for its confirms; the relay bounds them, <see cref="NorthboundOptions.BatchSize"/> times
/// <see cref="NorthboundOptions.RoundsInFlight"/> messages), persistent, mandatory, with its message id, type,
/// content type and timestamp. A confirm is <see cref="PublishOutcome.Confirmed"/>; a basic.return (no queue bound)
/// <see cref="PublishOutcome.Unroutable"/>; a nack <see cref="PublishOutcome.Refused"/>. A connection that fails, or
/// whose confirms do not come within <see cref="AmqpPublisherOptions.ConfirmTimeout"/>, is dropped and the round throws;
/// the next round connects again (the relay backs off between rounds) and declares the exchange.
/// </summary>
public sealed class AmqpOutboxPublisher : IOutboxPublisher, IAsyncDisposable
{
    /// <summary>Dropped connections being disposed in the background at most.</summary>
    private const int MaxRetiring = 4;

    /// <summary>The header carrying the body's schema version.</summary>
    public const string SchemaHeader = "meterline-schema";

    private readonly AmqpPublisherOptions _options;
    private readonly ConnectionFactory _factory;
    private readonly SemaphoreSlim _round = new(1, 1);
    private readonly List<X509Certificate2> _certificates = [];
    private readonly List<Task> _retiring = [];
    private IConnection? _connection;
    private IChannel? _channel;
    private int _connects;
    private int _disposed;

    public AmqpOutboxPublisher(AmqpPublisherOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _factory = new ConnectionFactory
        {
            Uri = options.Uri,
            AutomaticRecoveryEnabled = false,
            TopologyRecoveryEnabled = false,
            RequestedConnectionTimeout = options.ConnectTimeout,
            ClientProvidedName = options.ClientName,
        };
        if (options.Password is { } password)
        {
            _factory.Password = password;
        }

        if (options.Uri.Scheme == "amqps")
        {
            _factory.Ssl.Enabled = true;
            _factory.Ssl.ServerName = options.Uri.Host;
            if (options.CertificateValidation is { } validation)
            {
                _factory.Ssl.CertificateValidationCallback = validation;
            }
            else if (options.CaCertificatePath is { } caPath)
            {
                var authorities = AmqpTlsCertificates.LoadAuthorities(caPath);
                _certificates.AddRange(authorities);
                _factory.Ssl.CertificateValidationCallback = (_, certificate, _, errors) => AmqpTlsCertificates.Validate(authorities, certificate, errors);
            }

            if (options.ClientCertificatePath is { } certificatePath)
            {
                var client = AmqpTlsCertificates.LoadClientCertificate(certificatePath, options.ClientKeyPath);
                _certificates.Add(client);
                _factory.Ssl.Certs = new X509CertificateCollection { client };
            }
        }
    }

    /// <summary>Connections opened so far (the first and every reconnect).</summary>
    public int Connects => Volatile.Read(ref _connects);

    /// <summary>True while a connection is open.</summary>
    public bool IsConnected => _connection is { IsOpen: true } && _channel is { IsOpen: true };

    /// <summary>Connects (if not connected) and declares the exchange; throws what the connection attempt threw.</summary>
    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        await _round.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await EnsureChannelAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _round.Release();
        }
    }

    public async Task<IReadOnlyList<PublishOutcome>> PublishAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        using var timeout = new CancellationTokenSource(_options.ConfirmTimeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var pending = new ValueTask[messages.Count];
        var started = 0;
        Exception? failure = null;
        IChannel channel;
        // Only the sending is serialised: a round waits for its confirms outside the lock, while the next round sends.
        await _round.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // The round's bound covers connecting and declaring too (a broker blocking publishers may stall them).
            channel = await EnsureChannelAsync(linked.Token, cancellationToken).ConfigureAwait(false);
            try
            {
                for (; started < messages.Count; started++)
                {
                    var entry = messages[started].Entry;
                    pending[started] = channel.BasicPublishAsync(_options.Exchange, entry.RoutingKey, mandatory: true, Properties(entry), Encoding.UTF8.GetBytes(entry.Body), linked.Token);
                }
            }
            catch (Exception e)
            {
                failure = e;
            }
        }
        finally
        {
            _round.Release();
        }

        var outcomes = new PublishOutcome[messages.Count];
        for (var i = 0; i < started; i++)
        {
            try
            {
                await pending[i].ConfigureAwait(false);
                outcomes[i] = PublishOutcome.Confirmed;
            }
            catch (PublishException e) when (e.IsReturn)
            {
                outcomes[i] = PublishOutcome.Unroutable;
            }
            catch (PublishException)
            {
                outcomes[i] = PublishOutcome.Refused;
            }
            catch (Exception e)
            {
                failure ??= e;
            }
        }

        if (failure is not null)
        {
            await DropConnectionAsync(channel).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            throw new AmqpPublishException(
                timeout.IsCancellationRequested
                    ? $"The broker at {_options.SafeUri} did not confirm {messages.Count} messages within {_options.ConfirmTimeout.TotalSeconds:0.#} s."
                    : $"Publishing to {_options.SafeUri} failed: {failure.Message}",
                failure);
        }

        return outcomes;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _round.WaitAsync().ConfigureAwait(false);
        try
        {
            await DropConnectionAsync().ConfigureAwait(false);
            await Task.WhenAll(_retiring).ConfigureAwait(false);
        }
        finally
        {
            _round.Release();
            _round.Dispose();
            foreach (var certificate in _certificates)
            {
                certificate.Dispose();
            }
        }
    }

    private static BasicProperties Properties(OutboxEntry entry) => new()
    {
        Persistent = true,
        MessageId = entry.MessageId,
        Type = entry.Type,
        ContentType = "application/json",
        ContentEncoding = "utf-8",
        AppId = "meterline",
        Timestamp = new AmqpTimestamp(entry.CreatedAt.ToUnixTimeSeconds()),
        Headers = new Dictionary<string, object?> { [SchemaHeader] = NorthboundMessages.SchemaVersion },
    };

    private Task<IChannel> EnsureChannelAsync(CancellationToken cancellationToken) => EnsureChannelAsync(cancellationToken, cancellationToken);

    /// <summary>The open channel, or a new connection's; <paramref name="bound"/> limits the attempt, <paramref name="cancellationToken"/> is the caller's.</summary>
    private async Task<IChannel> EnsureChannelAsync(CancellationToken bound, CancellationToken cancellationToken)
    {
        if (_connection is { IsOpen: true } && _channel is { IsOpen: true } open)
        {
            return open;
        }

        await DropConnectionAsync().ConfigureAwait(false);
        IConnection? connection = null;
        try
        {
            connection = await _factory.CreateConnectionAsync(bound).ConfigureAwait(false);
            Interlocked.Increment(ref _connects);
            var channel = await connection.CreateChannelAsync(
                new CreateChannelOptions(
                    publisherConfirmationsEnabled: true,
                    publisherConfirmationTrackingEnabled: true,
                    // No client-side throttling: the relay bounds what is in flight (NorthboundOptions.BatchSize × RoundsInFlight).
                    outstandingPublisherConfirmationsRateLimiter: null),
                bound).ConfigureAwait(false);
            await channel.ExchangeDeclareAsync(_options.Exchange, ExchangeType.Topic, durable: true, autoDelete: false, arguments: null, cancellationToken: bound).ConfigureAwait(false);
            _connection = connection;
            _channel = channel;
            return channel;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            if (connection is not null)
            {
                await connection.AbortAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
                await RetireAsync(null, connection).ConfigureAwait(false);
            }

            throw new AmqpPublishException(
                e is OperationCanceledException
                    ? $"Cannot connect to the broker at {_options.SafeUri}: no answer in time."
                    : $"Cannot connect to the broker at {_options.SafeUri}: {e.Message}",
                e);
        }
    }

    /// <summary>Drops the connection if <paramref name="channel"/> is still its channel (a later round may have connected again).</summary>
    private async Task DropConnectionAsync(IChannel channel)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            // Disposing dropped it.
            return;
        }

        await _round.WaitAsync().ConfigureAwait(false);
        try
        {
            if (ReferenceEquals(_channel, channel))
            {
                await DropConnectionAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _round.Release();
        }
    }

    private async Task DropConnectionAsync()
    {
        var channel = _channel;
        var connection = _connection;
        _channel = null;
        _connection = null;
        // Abort the connection first: it closes its channels without waiting for a broker that may not answer.
        if (connection is not null)
        {
            await connection.AbortAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        }

        if (channel is not null || connection is not null)
        {
            await RetireAsync(channel, connection).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Disposes a dropped connection in the background: the client may take half a minute to wind down one the broker
    /// blocked, and the next round need not wait for it. At most <see cref="MaxRetiring"/> run at once (then the oldest
    /// is awaited); <see cref="DisposeAsync"/> awaits them all.
    /// </summary>
    private async Task RetireAsync(IChannel? channel, IConnection? connection)
    {
        _retiring.RemoveAll(t => t.IsCompleted);
        if (_retiring.Count >= MaxRetiring)
        {
            var oldest = _retiring[0];
            _retiring.RemoveAt(0);
            await oldest.ConfigureAwait(false);
        }

        _retiring.Add(Task.Run(async () =>
        {
            try
            {
                if (channel is not null)
                {
                    await channel.DisposeAsync().ConfigureAwait(false);
                }

                if (connection is not null)
                {
                    await connection.DisposeAsync().ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is RabbitMQClientException or IOException or ObjectDisposedException or OperationCanceledException or TimeoutException)
            {
                // The connection was aborted already: what its winding down reports changes nothing.
            }
        }));
    }
}
