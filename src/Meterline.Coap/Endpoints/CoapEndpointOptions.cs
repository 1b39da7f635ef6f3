using System.Net;
using Meterline.Coap.Messages;

namespace Meterline.Coap.Endpoints;

/// <summary>
/// The transmission parameters (RFC 7252 §4.8) and the bounds of a <see cref="CoapEndpoint"/>. Every table and
/// buffer the endpoint keeps is bounded by one of these.
/// </summary>
public sealed record CoapEndpointOptions
{
    /// <summary>Decoder bounds; <see cref="CoapLimits.MaxMessageSize"/> also bounds what the endpoint sends.</summary>
    public CoapLimits Limits { get; init; } = CoapLimits.Default;

    /// <summary>ACK_TIMEOUT (§4.8): 2 s.</summary>
    public TimeSpan AckTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>ACK_RANDOM_FACTOR (§4.8): 1.5.</summary>
    public double AckRandomFactor { get; init; } = 1.5;

    /// <summary>MAX_RETRANSMIT (§4.8): 4.</summary>
    public int MaxRetransmit { get; init; } = 4;

    /// <summary>EXCHANGE_LIFETIME (§4.8.2): 247 s — how long a Confirmable message id is remembered for deduplication.</summary>
    public TimeSpan ExchangeLifetime { get; init; } = TimeSpan.FromSeconds(247);

    /// <summary>NON_LIFETIME (§4.8.2): 145 s — how long a Non-confirmable message id is remembered.</summary>
    public TimeSpan NonLifetime { get; init; } = TimeSpan.FromSeconds(145);

    /// <summary>
    /// How long a request handler may run before a Confirmable request is acknowledged with an empty ACK and answered
    /// later by a separate response (§5.2.2). Below <see cref="AckTimeout"/>, so the client does not retransmit.
    /// </summary>
    public TimeSpan PiggybackWindow { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a request waits for its response once acknowledged (a separate response) or, for NON, at all.</summary>
    public TimeSpan ResponseTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Message ids remembered for deduplication (sized for the request rate × EXCHANGE_LIFETIME: 100,000 holds 400
    /// requests a second); when full, the oldest answered id is forgotten early.
    /// </summary>
    public int MaxDeduplicationEntries { get; init; } = 100_000;

    /// <summary>Requests being handled at once; beyond it a request is answered 5.03 Service Unavailable.</summary>
    public int MaxConcurrentRequests { get; init; } = 256;

    /// <summary>Outgoing exchanges (requests and separate responses) waiting for an answer at once.</summary>
    public int MaxPendingExchanges { get; init; } = 1024;

    /// <summary>Peers with an outgoing request at once (NSTART = 1 per peer, §4.7).</summary>
    public int MaxPeers { get; init; } = 1024;

    /// <summary>The largest request body reassembled from Block1 blocks (RFC 7959); larger is 4.13 with Size1.</summary>
    public int MaxBodySize { get; init; } = 64 * 1024;

    /// <summary>Block-wise transfers (Block1 reassemblies, Block2 responses) kept at once.</summary>
    public int MaxBlockwiseTransfers { get; init; } = 256;

    /// <summary>The block size this endpoint uses when it chooses (16 to 1,024).</summary>
    public int BlockSize { get; init; } = 1024;

    /// <summary>
    /// The amplification rule: a response is never larger than the request datagram it answers unless the handler
    /// marks it <see cref="CoapResponse.MayExceedRequestSize"/> (it authenticated the requester). Larger responses
    /// lose their payload, then their options; the trim is counted.
    /// </summary>
    public bool LimitResponseSize { get; init; } = true;

    /// <summary>Called for each datagram before it is parsed; false drops it unread (a per-source rate limit).</summary>
    public Func<IPEndPoint, bool>? AdmitDatagram { get; init; }

    /// <summary>Called for each datagram dropped as unreadable or too large (for counting and auditing by the owner).</summary>
    public Action<IPEndPoint, CoapDropReason, int>? Dropped { get; init; }

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    public void Validate()
    {
        Limits.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(AckTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(AckRandomFactor, 1.0);
        ArgumentOutOfRangeException.ThrowIfNegative(MaxRetransmit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxRetransmit, 10);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ExchangeLifetime, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(NonLifetime, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(PiggybackWindow, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ResponseTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDeduplicationEntries, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConcurrentRequests, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPendingExchanges, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPeers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBodySize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBlockwiseTransfers, 1);
        _ = Blockwise.BlockOption.ExponentOf(BlockSize);
        ArgumentNullException.ThrowIfNull(TimeProvider);
    }
}
