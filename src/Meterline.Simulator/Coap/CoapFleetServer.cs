using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Meterline.Coap.Endpoints;
using Meterline.Coap.Messages;
using Meterline.Dlms.Links;
using Meterline.Simulator.Hosting;

namespace Meterline.Simulator.Coap;

/// <summary>
/// Serves the whole fleet's meters to head-end requests on one CoAP port (docs/coap.md): the head-end POSTs each
/// request APDU to <c>/m/{serial}?wport={client SAP}</c> and gets the meter's response APDU back in the 2.04 payload.
/// Each (head-end endpoint, meter, client wPort) is one session — one association of the meter's DLMS server — that
/// ends after the idle time-out; at most <see cref="CoapFleetServerOptions.MaxSessions"/> at once. A meter without
/// power answers 5.03.
/// </summary>
public sealed class CoapFleetServer : IAsyncDisposable
{
    public const string MeterPathPrefix = "/m/";

    private readonly Dictionary<string, IHostedMeter> _meters;
    private readonly ConcurrentDictionary<(IPEndPoint Peer, string Meter, int Client), (CoapMeterSession Session, Task Serving)> _sessions = new();
    private readonly CoapFleetServerOptions _options;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly CoapEndpoint _endpoint;

    public CoapFleetServer(IEnumerable<IHostedMeter> meters, CoapFleetServerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _options = options ?? new CoapFleetServerOptions();
        _meters = meters.ToDictionary(m => m.Id, StringComparer.Ordinal);
        _endpoint = CoapEndpoint.Bind(_options.Listen, HandleAsync, _options.Endpoint);
        _loop = _endpoint.RunAsync(_stop.Token);
    }

    public IPEndPoint LocalEndPoint => _endpoint.LocalEndPoint;

    public CoapEndpoint Endpoint => _endpoint;

    /// <summary>The meter endpoint URI of <paramref name="serial"/> on this server.</summary>
    public string EndpointOf(string serial) => string.Create(CultureInfo.InvariantCulture, $"coap://{LocalEndPoint.Address}:{LocalEndPoint.Port}{MeterPathPrefix}{serial}");

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        foreach (var (session, serving) in _sessions.Values)
        {
            session.End();
            await serving.ConfigureAwait(false);
        }

        await _endpoint.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private async ValueTask<CoapResponse> HandleAsync(CoapRequest request, CancellationToken cancellationToken)
    {
        if (!request.Path.StartsWith(MeterPathPrefix, StringComparison.Ordinal) || !_meters.TryGetValue(request.Path[MeterPathPrefix.Length..], out var meter))
        {
            return CoapResponse.Of(CoapCode.NotFound);
        }

        if (request.Method != CoapCode.Post)
        {
            return CoapResponse.Of(CoapCode.MethodNotAllowed);
        }

        var client = request.Message.GetOptions(CoapOptionNumber.UriQuery).Select(o => o.GetString())
            .Where(q => q.StartsWith("wport=", StringComparison.Ordinal))
            .Select(q => int.TryParse(q.AsSpan(6), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is > 0 and <= ushort.MaxValue ? n : -1)
            .FirstOrDefault(-1);
        if (client < 0 || request.Body.IsEmpty)
        {
            return CoapResponse.Of(CoapCode.BadRequest);
        }

        if (!meter.Answers)
        {
            return CoapResponse.Of(CoapCode.ServiceUnavailable);
        }

        var session = SessionOf(request.Remote, meter, client);
        if (session is null)
        {
            return CoapResponse.Of(CoapCode.ServiceUnavailable);
        }

        var response = await session.RequestAsync(request.Body, _options.ResponseTimeout, cancellationToken).ConfigureAwait(false);
        return response.IsEmpty ? CoapResponse.Of(CoapCode.ServiceUnavailable) : new CoapResponse(CoapCode.Changed, [CoapOption.FromUInt(CoapOptionNumber.ContentFormat, CoapContentFormat.OctetStream)], response, MayExceedRequestSize: true);
    }

    private CoapMeterSession? SessionOf(IPEndPoint peer, IHostedMeter meter, int client)
    {
        var key = (peer, meter.Id, client);
        if (_sessions.TryGetValue(key, out var existing) && !existing.Session.IsEnded)
        {
            return existing.Session;
        }

        foreach (var ended in _sessions.Where(s => s.Value.Session.IsEnded && s.Value.Serving.IsCompleted).ToList())
        {
            _sessions.TryRemove(ended);
        }

        if (_sessions.Count >= _options.MaxSessions)
        {
            return null;
        }

        var session = new CoapMeterSession(_options.IdleTimeout);
        _sessions[key] = (session, ServeAsync(session, meter, client));
        return session;
    }

    private async Task ServeAsync(CoapMeterSession session, IHostedMeter meter, int client)
    {
        await Task.Yield();
        try
        {
            await new DlmsServer(meter.CreateAssociation).ServeAsync(session, () => client, _stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (DlmsLinkException)
        {
        }
        finally
        {
            session.End();
        }
    }
}
