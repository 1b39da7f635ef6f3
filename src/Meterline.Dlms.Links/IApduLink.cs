namespace Meterline.Dlms.Links;

/// <summary>A link that carries whole APDUs to and from one peer, whatever the framing and transport.</summary>
public interface IApduLink : IAsyncDisposable
{
    /// <summary>Sends one APDU.</summary>
    ValueTask SendAsync(ReadOnlyMemory<byte> apdu, CancellationToken cancellationToken = default);

    /// <summary>Receives the next APDU; throws <see cref="DlmsLinkException"/> once the link has closed.</summary>
    ValueTask<ReadOnlyMemory<byte>> ReceiveAsync(CancellationToken cancellationToken = default);

    /// <summary>Completes when the link ends: normally when the peer closes, faulted on a link error.</summary>
    Task Completion { get; }
}
