using Meterline.Coap.Endpoints;
using Meterline.HeadEnd.Ingest;

namespace Meterline.HeadEnd.Coap;

/// <summary>Settings of the CoAP push ingress (docs/coap.md).</summary>
public sealed record CoapIngressOptions
{
    /// <summary>The resource meters POST to: <c>/dlms</c>.</summary>
    public string Path { get; init; } = "/dlms";

    /// <summary>The largest secured APDU accepted (as the wrapper receiver); a larger body is refused 4.13 and reported oversize.</summary>
    public int MaxApduLength { get; init; } = 4096;

    /// <summary>How long a push waits for the commit of its batch before it is answered 5.03 (the meter sends it again).</summary>
    public TimeSpan CommitTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>The per-source datagram token bucket applied before any parsing.</summary>
    public TokenBucketSettings SourceRate { get; init; } = new(1_000, 5_000);

    /// <summary>Sources with a datagram bucket at once.</summary>
    public int MaxSources { get; init; } = 100_000;

    /// <summary>The endpoint's transmission parameters and bounds (its body limit is set to <see cref="MaxApduLength"/>).</summary>
    public CoapEndpointOptions Endpoint { get; init; } = new();

    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Path);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxApduLength, 16);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(CommitTimeout, TimeSpan.Zero);
        SourceRate.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxSources, 1);
        Endpoint.Validate();
    }
}
