using Meterline.Meter.Push;
using Meterline.Simulator.Hosting;
using Meterline.Simulator.Provisioning;

namespace Meterline.Simulator.Mqtt;

/// <summary>
/// The fleet's meters as MQTT clients of one broker, each with its own credentials: a push sink (QoS 1; a push counts
/// delivered only on a successful PUBACK, so the meter keeps and resends what the head-end did not commit, after a
/// reconnect too) and, while <see cref="RunAsync"/> runs, connected and subscribed to their down topics so the head-end
/// can open DLMS sessions with them. Connects at most <see cref="MqttMeterFleetOptions.MaxConcurrentConnects"/> meters
/// at once.
/// </summary>
public sealed class MqttMeterFleet : IPushSink, IAsyncDisposable
{
    private readonly Dictionary<string, MqttMeterClient> _clients;
    private readonly MqttMeterFleetOptions _options;
    private readonly SemaphoreSlim _connects;
    private long _sent;
    private long _failed;

    public MqttMeterFleet(string host, int port, IReadOnlyList<(ProvisionedMeter Provisioned, IHostedMeter Meter)> meters, MqttMeterFleetOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        ArgumentNullException.ThrowIfNull(meters);
        _options = options ?? new MqttMeterFleetOptions();
        _options.Validate();
        _connects = new SemaphoreSlim(_options.MaxConcurrentConnects, _options.MaxConcurrentConnects);
        _clients = meters.ToDictionary(
            m => m.Provisioned.Id,
            m => new MqttMeterClient(host, port, m.Provisioned.SystemTitle.ToString(),
                m.Provisioned.MqttPassword ?? throw new ArgumentException($"Meter {m.Provisioned.Id} has no MQTT password in its provisioning.", nameof(meters)),
                m.Meter, _options),
            StringComparer.Ordinal);
    }

    /// <summary>Pushes acknowledged by the head-end.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Push attempts not acknowledged (refused, failed, or no connection).</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Meters connected now.</summary>
    public int Connected => _clients.Values.Count(c => c.IsConnected);

    public async ValueTask<bool> SendAsync(PushMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!_clients.TryGetValue(message.MeterId, out var client))
        {
            Interlocked.Increment(ref _failed);
            return false;
        }

        bool delivered;
        if (client.IsConnected)
        {
            delivered = await client.PublishAsync(message.Apdu, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await _connects.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                delivered = await client.PublishAsync(message.Apdu, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _connects.Release();
            }
        }

        Interlocked.Increment(ref delivered ? ref _sent : ref _failed);
        return delivered;
    }

    /// <summary>Keeps every meter connected (for requests on its down topic) until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await Parallel.ForEachAsync(_clients.Values.Where(c => !c.IsConnected),
                    new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrentConnects, CancellationToken = cancellationToken },
                    async (client, token) => await client.EnsureConnectedAsync(token).ConfigureAwait(false)).ConfigureAwait(false);
                await Task.Delay(_options.ReconnectInterval, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Connects every meter once (for tests and start-up); returns how many are connected.</summary>
    public async Task<int> ConnectAllAsync(CancellationToken cancellationToken)
    {
        await Parallel.ForEachAsync(_clients.Values,
            new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrentConnects, CancellationToken = cancellationToken },
            async (client, token) => await client.EnsureConnectedAsync(token).ConfigureAwait(false)).ConfigureAwait(false);
        return Connected;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients.Values)
        {
            await client.DisposeAsync().ConfigureAwait(false);
        }

        _connects.Dispose();
    }
}
