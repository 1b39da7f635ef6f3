namespace Meterline.HeadEnd.Meters;

/// <summary>
/// How the head-end reaches a meter, as a URI the transport adapters understand; the head-end itself only stores it.
/// Schemes: <c>dlms+tcp://host:port?wport=N</c> (IEC 62056-47 wrapper), <c>dlms+hdlc+tcp://host:port?lower=N</c>,
/// <c>zigbee://0013A20040A1B2C3</c> (through the local coordinator) or
/// <c>zigbee+gw://host:port/0013A20040A1B2C3</c> (through a <c>meterline gateway</c>).
/// </summary>
public sealed record MeterEndpoint
{
    public const int MaxLength = 256;

    public MeterEndpoint(string uri)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(uri);
        if (uri.Length > MaxLength || !Uri.TryCreate(uri, UriKind.Absolute, out var parsed))
        {
            throw new ArgumentException($"Not an absolute URI of at most {MaxLength} characters.", nameof(uri));
        }

        Uri = parsed;
    }

    public Uri Uri { get; }

    public string Scheme => Uri.Scheme;

    public override string ToString() => Uri.OriginalString;
}
