namespace Meterline.Meter.Control;

/// <summary>
/// send_destination_and_method ("Push setup", Blue Book 4.4.8): structure {transport_service enum, destination
/// octet-string, message enum}. The destination is an address in the transport's own form (for TCP/UDP
/// "host:port" as ASCII); at most <see cref="MaxDestinationLength"/> bytes.
/// </summary>
public sealed record PushDestination(PushTransportService TransportService, ReadOnlyMemory<byte> Destination, PushMessageType Message)
{
    /// <summary>Longest destination accepted.</summary>
    public const int MaxDestinationLength = 128;

    /// <summary>TCP, no destination, A-XDR: a push setup nobody configured yet.</summary>
    public static PushDestination Unconfigured { get; } = new(PushTransportService.Tcp, ReadOnlyMemory<byte>.Empty, PushMessageType.AxdrApdu);

    /// <summary>True when the service, destination length and message are values this class accepts.</summary>
    public bool IsValid =>
        ((byte)TransportService <= (byte)PushTransportService.DlmsGateway || (byte)TransportService >= 200)
        && ((byte)Message <= (byte)PushMessageType.XmlApdu || (byte)Message >= 128)
        && Destination.Length <= MaxDestinationLength;

    public bool Equals(PushDestination? other) =>
        other is not null && TransportService == other.TransportService && Message == other.Message
        && Destination.Span.SequenceEqual(other.Destination.Span);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(TransportService);
        hash.Add(Message);
        hash.AddBytes(Destination.Span);
        return hash.ToHashCode();
    }
}
