namespace Meterline.Coap.Messages;

/// <summary>The bounds a decoder enforces on every datagram, so no input makes it allocate beyond them.</summary>
public sealed record CoapLimits
{
    /// <summary>The RFC 7252 §4.6 default: 1,152 bytes (a 1,024-byte payload and 128 bytes of header and options).</summary>
    public const int DefaultMaxMessageSize = 1152;

    public static CoapLimits Default { get; } = new();

    /// <summary>The largest datagram accepted; larger ones are format errors.</summary>
    public int MaxMessageSize { get; init; } = DefaultMaxMessageSize;

    /// <summary>The most options in one message.</summary>
    public int MaxOptions { get; init; } = 32;

    /// <summary>The longest option value (Proxy-Uri, the longest registered, is at most 1,034 bytes).</summary>
    public int MaxOptionLength { get; init; } = 1034;

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxMessageSize, CoapMessageHeader.Length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxMessageSize, 65_507);
        ArgumentOutOfRangeException.ThrowIfNegative(MaxOptions);
        ArgumentOutOfRangeException.ThrowIfNegative(MaxOptionLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxOptionLength, 65_804);
    }
}
