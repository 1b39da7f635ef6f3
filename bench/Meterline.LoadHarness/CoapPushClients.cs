using System.Net;
using Meterline.Coap.Endpoints;
using Meterline.Coap.Messages;

namespace Meterline.LoadHarness;

/// <summary>
/// The fleet as CoAP meters: one CoAP endpoint (its own UDP port on loopback) per meter POSTing its recorded pushes,
/// in order and one at a time (a meter's pushes must arrive in counter order, and NSTART is 1), Confirmable to
/// <c>/dlms</c>; each 2.04 Changed (sent by the node after its commit) is logged.
/// </summary>
internal sealed class CoapPushClients : IAsyncDisposable
{
    private readonly CoapEndpoint[] _endpoints;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _loops;

    public CoapPushClients(int meters)
    {
        _endpoints = [.. Enumerable.Range(0, meters).Select(_ => CoapEndpoint.Bind(new IPEndPoint(IPAddress.Loopback, 0)))];
        _loops = [.. _endpoints.Select(e => e.RunAsync(_stop.Token))];
    }

    public Task PostAllAsync(IPEndPoint ingress, IReadOnlyList<IReadOnlyList<byte[]>> byMeter, AckLog log, CancellationToken cancellationToken) =>
        Task.WhenAll(Enumerable.Range(0, _endpoints.Length).Select(async m =>
        {
            var client = new CoapClient(_endpoints[m]);
            foreach (var apdu in byMeter[m])
            {
                var sent = AckLog.Now();
                try
                {
                    var response = await client.RequestAsync(ingress, CoapCode.Post, "/dlms", apdu, cancellationToken: cancellationToken);
                    log.OnAcknowledged(sent, response.Code == CoapCode.Changed);
                }
                catch (Exception e) when (e is CoapExchangeException or TimeoutException || e is OperationCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    // No 2.04 in the end (the exchange timed out after its retransmissions): lost; the meter would send it again later.
                    log.OnAcknowledged(sent, success: false);
                }
            }
        }));

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
}
