using Meterline.Dlms.Links;

namespace Meterline.Simulator.Hosting;

/// <summary>
/// A meter's view of one connection: APDUs that arrive while the meter has no power are dropped unanswered (and
/// counted), and a connection silent for the idle timeout ends. Passes the HDLC session generation through so that
/// <see cref="DlmsServer"/> still drops associations when the HDLC session ends. Does not own the inner link.
/// </summary>
internal sealed class MeterApduLink(IApduLink inner, IHostedMeter meter, FleetHostStatistics statistics, TimeSpan idleTimeout) : IApduLink, IApduLinkSessions
{
    public Task Completion => inner.Completion;

    public long SessionGeneration => (inner as IApduLinkSessions)?.SessionGeneration ?? 0;

    public async ValueTask<ReadOnlyMemory<byte>> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        idle.CancelAfter(idleTimeout);
        while (true)
        {
            ReadOnlyMemory<byte> apdu;
            try
            {
                apdu = await inner.ReceiveAsync(idle.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                statistics.Idle();
                throw new DlmsLinkException("The connection was idle too long", isTransient: true);
            }

            if (meter.Answers)
            {
                statistics.ApduReceived();
                return apdu;
            }

            statistics.ApduWhileUnpowered();
        }
    }

    public async ValueTask SendAsync(ReadOnlyMemory<byte> apdu, CancellationToken cancellationToken = default)
    {
        await inner.SendAsync(apdu, cancellationToken).ConfigureAwait(false);
        statistics.ApduAnswered();
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
