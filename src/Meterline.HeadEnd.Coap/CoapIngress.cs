using System.Globalization;
using System.Net;
using Meterline.Coap.Endpoints;
using Meterline.Coap.Messages;
using Meterline.HeadEnd.Ingest;

namespace Meterline.HeadEnd.Coap;

/// <summary>
/// The CoAP push ingress (docs/coap.md): meters POST one secured DLMS APDU (the raw xDLMS APDU, no wrapper) to
/// <c>/dlms</c> with Content-Format 42 (application/octet-stream) or none. Each becomes an <see cref="InboundFrame"/>
/// (link id <c>coap:{address}:{port}</c>, source the address) whose acknowledgement answers the request: 2.04 Changed
/// only after the commit, 4.03 Forbidden when refused, 5.03 Service Unavailable when shed, failed or not committed in
/// time (the meter resends). A commit slower than the piggyback window is answered by an empty ACK and a separate CON
/// response. Datagrams beyond the per-source token bucket are dropped before parsing; unreadable and oversize ones are
/// refused through <see cref="IInboundFrameSink.RejectUnread"/> (counted and audited). No response is larger than its
/// request (<see cref="CoapEndpointOptions.LimitResponseSize"/>).
/// </summary>
public sealed class CoapIngress : IAsyncDisposable
{
    public const string LinkIdPrefix = "coap:";

    private readonly IInboundFrameSink _sink;
    private readonly CoapIngressOptions _options;
    private readonly TimeProvider _time;
    private readonly TokenBucketTable<IPAddress> _sources;
    private long _committed;
    private long _refused;
    private long _failed;

    private CoapIngress(IInboundFrameSink sink, CoapIngressOptions options)
    {
        _sink = sink;
        _options = options;
        _time = options.Endpoint.TimeProvider;
        _sources = new TokenBucketTable<IPAddress>(options.SourceRate, options.MaxSources, _time);
    }

    public CoapEndpoint Endpoint { get; private set; } = null!;

    public IPEndPoint LocalEndPoint => Endpoint.LocalEndPoint;

    /// <summary>Pushes answered 2.04 (committed).</summary>
    public long Committed => Interlocked.Read(ref _committed);

    /// <summary>Pushes answered 4.xx (refused by the pipeline or not a push).</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Pushes answered 5.03 (shed, failed, or not committed in time).</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Binds the UDP socket; run <see cref="RunAsync"/>.</summary>
    public static CoapIngress Bind(IPEndPoint local, IInboundFrameSink sink, CoapIngressOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(local);
        ArgumentNullException.ThrowIfNull(sink);
        options ??= new CoapIngressOptions();
        options.Validate();
        var ingress = new CoapIngress(sink, options);
        var endpointOptions = options.Endpoint with
        {
            MaxBodySize = options.MaxApduLength,
            LimitResponseSize = true,
            ResponseTimeout = options.CommitTimeout,
            AdmitDatagram = ingress.Admit,
            Dropped = ingress.OnDropped,
        };
        ingress.Endpoint = CoapEndpoint.Bind(local, ingress.HandleAsync, endpointOptions);
        return ingress;
    }

    public static string LinkIdOf(IPEndPoint remote) => LinkIdPrefix + remote;

    public Task RunAsync(CancellationToken cancellationToken) => Endpoint.RunAsync(cancellationToken);

    public ValueTask DisposeAsync() => Endpoint.DisposeAsync();

    private bool Admit(IPEndPoint remote)
    {
        if (_sources.TryTake(remote.Address))
        {
            return true;
        }

        _sink.RejectUnread(LinkIdOf(remote), remote.Address.ToString(), IngestRejectReason.SourceRateLimited, "a CoAP datagram beyond the source's rate");
        return false;
    }

    private void OnDropped(IPEndPoint remote, CoapDropReason reason, int length)
    {
        var (rejectReason, detail) = reason switch
        {
            CoapDropReason.Oversize => (IngestRejectReason.Oversize, string.Create(CultureInfo.InvariantCulture, $"a CoAP message or body of {length} bytes, more than allowed")),
            _ => (IngestRejectReason.Malformed, string.Create(CultureInfo.InvariantCulture, $"a {length}-byte datagram that is no CoAP message")),
        };
        _sink.RejectUnread(LinkIdOf(remote), remote.Address.ToString(), rejectReason, detail);
    }

    private async ValueTask<CoapResponse> HandleAsync(CoapRequest request, CancellationToken cancellationToken)
    {
        if (!string.Equals(request.Path, _options.Path, StringComparison.Ordinal))
        {
            return Refuse(CoapCode.NotFound);
        }

        if (request.Method != CoapCode.Post)
        {
            return Refuse(CoapCode.MethodNotAllowed);
        }

        int? format;
        try
        {
            format = request.Message.ContentFormat;
        }
        catch (CoapFormatException)
        {
            format = -1;
        }

        if (format is not (null or CoapContentFormat.OctetStream))
        {
            return Refuse(CoapCode.UnsupportedContentFormat);
        }

        if (request.Body.IsEmpty)
        {
            return Refuse(CoapCode.BadRequest);
        }

        if (request.Body.Length > _options.MaxApduLength)
        {
            _sink.RejectUnread(LinkIdOf(request.Remote), request.Remote.Address.ToString(), IngestRejectReason.Oversize,
                string.Create(CultureInfo.InvariantCulture, $"a {request.Body.Length}-byte push, more than {_options.MaxApduLength}"));
            return Refuse(CoapCode.RequestEntityTooLarge);
        }

        var acknowledgement = new CoapFrameAcknowledgement();
        var frame = new InboundFrame(LinkIdOf(request.Remote), request.Remote.Address.ToString(), request.Body, _time.GetUtcNow(), acknowledgement);
        var admission = await _sink.SubmitAsync(frame, cancellationToken).ConfigureAwait(false);
        switch (admission.Status)
        {
            case FrameAdmissionStatus.Rejected:
                return Refuse(CoapCode.Forbidden);
            case FrameAdmissionStatus.Shed:
                return Unavailable();
        }

        FrameOutcome outcome;
        try
        {
            outcome = await acknowledgement.Outcome.WaitAsync(_options.CommitTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return Unavailable();
        }

        switch (outcome)
        {
            case FrameOutcome.Committed:
                Interlocked.Increment(ref _committed);
                return CoapResponse.Of(CoapCode.Changed);
            case FrameOutcome.Rejected:
                return Refuse(CoapCode.Forbidden);
            default:
                return Unavailable();
        }
    }

    private CoapResponse Refuse(CoapCode code)
    {
        Interlocked.Increment(ref _refused);
        return CoapResponse.Of(code);
    }

    private CoapResponse Unavailable()
    {
        Interlocked.Increment(ref _failed);
        return CoapResponse.Of(CoapCode.ServiceUnavailable);
    }
}
