using Meterline.Dlms.Links;

namespace Meterline.HeadEnd.Dlms.Commands;

/// <summary>A link that also closes the TCP stream under it when it is disposed.</summary>
internal sealed class PipeOwningLink(IApduLink inner, StreamDuplexPipe pipe) : IApduLink
{
    public Task Completion => inner.Completion;

    public ValueTask SendAsync(ReadOnlyMemory<byte> apdu, CancellationToken cancellationToken = default) => inner.SendAsync(apdu, cancellationToken);

    public ValueTask<ReadOnlyMemory<byte>> ReceiveAsync(CancellationToken cancellationToken = default) => inner.ReceiveAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        await pipe.DisposeAsync().ConfigureAwait(false);
    }
}
