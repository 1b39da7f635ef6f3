using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Meterline.Dlms.Links;
using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Mqtt.Framing;
using MQTTnet.Adapter;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Server;

namespace Meterline.HeadEnd.Mqtt.Broker;

/// <summary>
/// The embedded broker's listeners, in place of MQTTnet's own TCP adapter: accepts TCP itself, admits each connection
/// through the node's <see cref="ConnectionGate"/> (closed at once when refused), runs the TLS handshake when
/// configured, and puts a <see cref="GuardedMqttChannel"/> under MQTTnet's channel adapter so that the pre-authentication
/// limits hold before MQTTnet's parser sees a byte. Guard violations are refused at the sink (oversize or malformed:
/// counted and audited per source and window).
/// </summary>
internal sealed class GuardedMqttServerAdapter : IMqttServerAdapter
{
    private readonly IReadOnlyList<IPEndPoint> _endpoints;
    private readonly ConnectionGate _gate;
    private readonly IInboundFrameSink _sink;
    private readonly MqttBrokerTls? _tls;
    private readonly MqttStreamGuardOptions _guard;
    private readonly MqttBrokerOptions _brokerOptions;
    private readonly TimeProvider _time;
    private readonly MqttFormatterPool _formatters = new();
    // One delegate for every channel (a method group converted per connection would be one more object each).
    private readonly Action<GuardedMqttChannel, MqttGuardResult> _onViolation;
    private readonly List<TcpListener> _listeners = [];
    private readonly List<Task> _loops = [];
    private CancellationTokenSource? _stop;
    private long _violations;

    public GuardedMqttServerAdapter(IReadOnlyList<IPEndPoint> endpoints, ConnectionGate gate, IInboundFrameSink sink, MqttBrokerTls? tls, MqttStreamGuardOptions guard,
        MqttBrokerOptions brokerOptions, TimeProvider time)
    {
        _brokerOptions = brokerOptions;
        _time = time;
        _endpoints = endpoints;
        _gate = gate;
        _sink = sink;
        _tls = tls;
        _guard = guard;
        _onViolation = OnViolation;
    }

    public Func<IMqttChannelAdapter, Task>? ClientHandler { get; set; }

    /// <summary>The endpoints actually bound (port 0 resolved), once started.</summary>
    public IReadOnlyList<IPEndPoint> BoundEndpoints => [.. _listeners.Select(l => (IPEndPoint)l.LocalEndpoint)];

    /// <summary>Connections closed by the guard.</summary>
    public long Violations => Interlocked.Read(ref _violations);

    /// <summary>The formatters every connection of this adapter rents.</summary>
    internal MqttFormatterPool Formatters => _formatters;

    /// <summary>The guarded channel MQTTnet hands to its CONNECT validation (null for an adapter not ours).</summary>
    public static GuardedMqttChannel? ChannelOf(IMqttChannelAdapter? adapter) => adapter as GuardedMqttChannel;

    public Task StartAsync(MqttServerOptions options, IMqttNetLogger logger)
    {
        _stop = new CancellationTokenSource();
        foreach (var endpoint in _endpoints)
        {
            var listener = new TcpListener(endpoint);
            listener.Server.NoDelay = true;
            listener.Start(512);
            _listeners.Add(listener);
        }

        foreach (var listener in _listeners)
        {
            _loops.Add(TcpAcceptLoop.RunAsync(listener, socket => Accept(socket, _stop.Token), _stop.Token));
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync()
    {
        if (_stop is null)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        foreach (var listener in _listeners)
        {
            listener.Stop();
        }

        await Task.WhenAll(_loops).ConfigureAwait(false);
        _loops.Clear();
    }

    public void Dispose()
    {
        foreach (var listener in _listeners)
        {
            listener.Dispose();
        }

        _stop?.Dispose();
    }

    private Task? Accept(Socket socket, CancellationToken cancellationToken)
    {
        if (socket.RemoteEndPoint is not IPEndPoint remote
            || _gate.TryOpen("mqtt:" + remote, remote.Address.ToString()) is not { } lease)
        {
            socket.Dispose();
            return null;
        }

        socket.NoDelay = true;
        return ServeAsync(socket, remote, lease, cancellationToken);
    }

    private async Task ServeAsync(Socket socket, IPEndPoint remote, ConnectionLease lease, CancellationToken cancellationToken)
    {
        await Task.Yield();
        // Opened apart (TLS handshake included), so that what this frame keeps for the connection's life is small.
        if (await OpenAsync(socket, remote, lease, cancellationToken).ConfigureAwait(false) is not { } channel)
        {
            return;
        }

        try
        {
            if (ClientHandler is { } handler)
            {
                // The channel is MQTTnet's adapter for the connection: no MqttChannelAdapter, formatter or read loop of its own.
                await handler(channel).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or SocketException or ObjectDisposedException or MQTTnet.Exceptions.MqttCommunicationException)
        {
            // A broken connection, or stopping.
        }
        finally
        {
            channel.Dispose();
        }
    }

    /// <summary>The connection's guarded channel, after the TLS handshake when configured; null (all disposed) when it failed.</summary>
    private async Task<GuardedMqttChannel?> OpenAsync(Socket socket, IPEndPoint remote, ConnectionLease lease, CancellationToken cancellationToken)
    {
        Stream? stream = null;
        try
        {
            stream = new NetworkStream(socket, ownsSocket: true);
            X509Certificate2? clientCertificate = null;
            if (_tls is not null)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false, (_, certificate, _, errors) => _tls.ValidateClient(certificate, errors));
                stream = ssl;
                using var handshake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lease.Closing);
                handshake.CancelAfter(_tls.HandshakeTimeout);
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                {
                    ServerCertificate = _tls.ServerCertificate,
                    ClientCertificateRequired = _tls.ClientCertificates != MqttClientCertificateMode.None,
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                    EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                }, handshake.Token).ConfigureAwait(false);
                clientCertificate = ssl.RemoteCertificate as X509Certificate2;
            }

            var channel = new GuardedMqttChannel(stream, socket, lease, remote, socket.LocalEndPoint!, clientCertificate, _tls is not null, _guard, _onViolation, _brokerOptions, _formatters, _time);
            stream = null;
            lease = null!;
            return channel;
        }
        catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // A failed handshake, a broken connection, or stopping.
            return null;
        }
        finally
        {
            if (stream is not null)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
            else if (lease is not null)
            {
                socket.Dispose();
            }

            lease?.Dispose();
        }
    }

    private void OnViolation(GuardedMqttChannel channel, MqttGuardResult result)
    {
        Interlocked.Increment(ref _violations);
        var (reason, detail) = result.Violation switch
        {
            MqttGuardViolation.Oversize => (IngestRejectReason.Oversize, string.Create(CultureInfo.InvariantCulture,
                $"a packet announcing {result.Announced} bytes {(channel.IsAuthenticated ? "after" : "before")} authentication")),
            MqttGuardViolation.NotConnectFirst => (IngestRejectReason.Malformed, "the first packet is not CONNECT"),
            MqttGuardViolation.SecondConnect => (IngestRejectReason.Malformed, "a second CONNECT"),
            _ => (IngestRejectReason.Malformed, "no MQTT fixed header (reserved type or a Remaining Length over four bytes)"),
        };
        _sink.RejectUnread(channel.Lease.LinkId, channel.Lease.Source, reason, detail);
    }
}
