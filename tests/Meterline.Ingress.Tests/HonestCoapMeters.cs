using System.Diagnostics;
using System.Net;
using Meterline.Coap.Endpoints;
using Meterline.Coap.Messages;

namespace Meterline.Ingress.Tests;

/// <summary>
/// The honest meters of an <see cref="IngressNode"/> pushing over the node's CoAP ingress, each from its own CoAP
/// endpoint on its own loopback address (127.0.0.10 on), one Confirmable POST /dlms at a time: a push is delivered
/// when it is answered 2.04 Changed — which the ingress sends only after the commit — so its latency is POST →
/// committed → 2.04. A push not answered so within <see cref="HonestMeters.LostAfter"/> counts as lost.
/// </summary>
internal sealed class HonestCoapMeters : IAsyncDisposable
{
    private readonly IngressNode _node;
    private readonly IPEndPoint _ingress;
    private readonly CoapEndpoint[] _endpoints;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _loops;
    private readonly int[] _next;

    public HonestCoapMeters(IngressNode node, IPEndPoint ingress)
    {
        _node = node;
        _ingress = ingress;
        _endpoints = [.. Enumerable.Range(0, node.Honest.Count).Select(i => CoapEndpoint.Bind(new IPEndPoint(new IPAddress([127, 0, 0, (byte)(10 + i)]), 0)))];
        _loops = [.. _endpoints.Select(e => e.RunAsync(_stop.Token))];
        _next = new int[_endpoints.Length];
    }

    /// <summary>
    /// Every meter POSTs its next <paramref name="pushes"/> pushes, one every <paramref name="period"/> (meters
    /// staggered over the period); the POST → 2.04 latency of each is measured; lost pushes are NaN.
    /// </summary>
    public Task<List<double>> RunAsync(int pushes, TimeSpan period) => PacedPushes.RunAsync(_endpoints.Length, pushes, period, PostOneAsync);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_loops).WaitAsync(TimeSpan.FromSeconds(10));
        foreach (var endpoint in _endpoints)
        {
            await endpoint.DisposeAsync();
        }

        _stop.Dispose();
    }

    private async Task<double> PostOneAsync(int meter)
    {
        var apdu = _node.Pushes[meter][_next[meter]++];
        var sent = Stopwatch.GetTimestamp();
        using var lost = new CancellationTokenSource(HonestMeters.LostAfter);
        try
        {
            var response = await new CoapClient(_endpoints[meter]).RequestAsync(_ingress, CoapCode.Post, "/dlms", apdu, cancellationToken: lost.Token);
            return response.Code == CoapCode.Changed ? Stopwatch.GetElapsedTime(sent).TotalMilliseconds : double.NaN;
        }
        catch (Exception e) when (e is OperationCanceledException or CoapExchangeException)
        {
            return double.NaN;
        }
    }
}
