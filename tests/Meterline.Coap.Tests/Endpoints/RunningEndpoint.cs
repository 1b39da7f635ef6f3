using System.Net;
using Meterline.Coap.Endpoints;

namespace Meterline.Coap.Tests.Endpoints;

/// <summary>A <see cref="CoapEndpoint"/> on 127.0.0.1 with its receive loop running; stopped and disposed at the end.</summary>
internal sealed class RunningEndpoint : IAsyncDisposable
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public RunningEndpoint(CoapRequestHandler? handler, CoapEndpointOptions? options = null)
    {
        Endpoint = CoapEndpoint.Bind(new IPEndPoint(IPAddress.Loopback, 0), handler, options);
        _loop = Endpoint.RunAsync(_stop.Token);
    }

    public CoapEndpoint Endpoint { get; }

    public IPEndPoint Address => Endpoint.LocalEndPoint;

    public CoapClient Client => new(Endpoint);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop.WaitAsync(Bound);
        await Endpoint.DisposeAsync();
        _stop.Dispose();
    }
}
