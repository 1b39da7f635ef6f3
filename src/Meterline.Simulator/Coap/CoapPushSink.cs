using System.Net;
using System.Net.Sockets;
using Meterline.Coap.Endpoints;
using Meterline.Coap.Messages;
using Meterline.Dlms.Links;
using Meterline.Meter.Push;

namespace Meterline.Simulator.Coap;

/// <summary>
/// Delivers pushes as CoAP Confirmable POSTs of the raw secured APDU to <c>coap://host:port/dlms</c> (Content-Format
/// 42), retransmitted per RFC 7252 §4.2; a push counts as delivered only when the head-end answers 2.04 Changed (after
/// its commit). Anything else — a timeout, a Reset, 4.xx, 5.03 — leaves the push with its meter, which sends it again.
/// The fleet shares a few client endpoints (each its own UDP port, so NSTART 1 holds per endpoint and pushes of
/// different meters still run side by side).
/// </summary>
public sealed class CoapPushSink : IPushSink, IAsyncDisposable
{
    public const string PushPath = "/dlms";

    private readonly IPEndPoint _destination;
    private readonly (CoapEndpoint Endpoint, Task Loop)[] _endpoints;
    private readonly CancellationTokenSource _stop = new();
    private long _next;
    private long _sent;
    private long _failed;

    private CoapPushSink(IPEndPoint destination, int endpoints, CoapEndpointOptions options)
    {
        _destination = destination;
        var local = new IPEndPoint(destination.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        _endpoints = new (CoapEndpoint, Task)[endpoints];
        for (var i = 0; i < endpoints; i++)
        {
            var endpoint = CoapEndpoint.Bind(local, null, options);
            _endpoints[i] = (endpoint, endpoint.RunAsync(_stop.Token));
        }
    }

    /// <summary>Pushes answered 2.04.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Pushes not answered 2.04 (to be sent again).</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Resolves <paramref name="host"/> and binds <paramref name="endpoints"/> client endpoints.</summary>
    public static async Task<CoapPushSink> OpenAsync(string host, int port, int endpoints = 16, CoapEndpointOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        ArgumentOutOfRangeException.ThrowIfLessThan(endpoints, 1);
        var address = IPAddress.TryParse(host, out var literal)
            ? literal
            : (await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false)).FirstOrDefault()
                ?? throw new DlmsLinkException($"{host} has no address", isTransient: true);
        return new CoapPushSink(new IPEndPoint(address, port), endpoints, options ?? new CoapEndpointOptions());
    }

    public async ValueTask<bool> SendAsync(PushMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var endpoint = _endpoints[(int)(Interlocked.Increment(ref _next) % _endpoints.Length)].Endpoint;
        try
        {
            var response = await new CoapClient(endpoint).RequestAsync(_destination, CoapCode.Post, PushPath, message.Apdu,
                [CoapOption.FromUInt(CoapOptionNumber.ContentFormat, CoapContentFormat.OctetStream)], cancellationToken: cancellationToken).ConfigureAwait(false);
            if (response.Code == CoapCode.Changed)
            {
                Interlocked.Increment(ref _sent);
                return true;
            }
        }
        catch (CoapExchangeException)
        {
        }

        Interlocked.Increment(ref _failed);
        return false;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        foreach (var (endpoint, loop) in _endpoints)
        {
            await loop.ConfigureAwait(false);
            await endpoint.DisposeAsync().ConfigureAwait(false);
        }

        _stop.Dispose();
    }
}
