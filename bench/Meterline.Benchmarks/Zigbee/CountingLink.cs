using Meterline.Dlms.Links;

namespace Meterline.Benchmarks.Zigbee;

/// <summary>A link that reports every APDU it carries to its <see cref="CountingLinkOpener"/>.</summary>
internal sealed class CountingLink(IApduLink inner, CountingLinkOpener counts) : IApduLink
{
    public Task Completion => inner.Completion;

    public async ValueTask SendAsync(ReadOnlyMemory<byte> apdu, CancellationToken cancellationToken = default)
    {
        await inner.SendAsync(apdu, cancellationToken).ConfigureAwait(false);
        counts.CountSent(apdu.Length);
    }

    public async ValueTask<ReadOnlyMemory<byte>> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        var apdu = await inner.ReceiveAsync(cancellationToken).ConfigureAwait(false);
        counts.CountReceived(apdu.Length);
        return apdu;
    }

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
