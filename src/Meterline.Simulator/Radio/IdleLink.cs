using Meterline.Dlms.Links;

namespace Meterline.Simulator.Radio;

/// <summary>An APDU link that ends when nothing arrives for the idle time-out (a radio session has no close of its own).</summary>
internal sealed class IdleLink(IApduLink inner, TimeSpan idleTimeout) : IApduLink
{
    public Task Completion => inner.Completion;

    public async ValueTask<ReadOnlyMemory<byte>> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        idle.CancelAfter(idleTimeout);
        try
        {
            return await inner.ReceiveAsync(idle.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DlmsLinkException("The radio session was idle too long", isTransient: true);
        }
    }

    public ValueTask SendAsync(ReadOnlyMemory<byte> apdu, CancellationToken cancellationToken = default) => inner.SendAsync(apdu, cancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
