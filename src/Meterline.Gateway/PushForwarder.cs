using Meterline.Dlms.Links;

namespace Meterline.Gateway;

/// <summary>
/// Forwards the meters' pushes from a concentrator to the head-end's push receiver over TCP with the IEC 62056-47
/// wrapper (each push as the meter sent it: the head-end knows the meter by the system title in its ciphering
/// header). One connection, opened on demand and re-opened after a failure with a growing back-off (at most 30 s); while
/// the head-end is unreachable the pushes wait in the concentrator's bounded queue.
/// </summary>
public sealed class PushForwarder
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    private readonly ZigbeeConcentrator _concentrator;
    private readonly string _host;
    private readonly int _port;
    private readonly TimeProvider _clock;
    private long _forwarded;
    private long _connectFailures;

    public PushForwarder(ZigbeeConcentrator concentrator, string host, int port, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(concentrator);
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        _concentrator = concentrator;
        _host = host;
        _port = port;
        _clock = timeProvider ?? TimeProvider.System;
    }

    public long Forwarded => Interlocked.Read(ref _forwarded);

    public long ConnectFailures => Interlocked.Read(ref _connectFailures);

    /// <summary>Forwards until cancelled (then returns normally) or until the concentrator's push queue completes.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await ForwardAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task ForwardAsync(CancellationToken cancellationToken)
    {
        var backoff = TimeSpan.FromMilliseconds(250);
        ZigbeePush? pending = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            WrapperLink link;
            try
            {
                var pipe = await TcpTransport.ConnectAsync(_host, _port, TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
                link = WrapperLink.Start(pipe, localWPort: 1, remoteWPort: 1);
                backoff = TimeSpan.FromMilliseconds(250);
            }
            catch (DlmsLinkException)
            {
                Interlocked.Increment(ref _connectFailures);
                await Task.Delay(backoff, _clock, cancellationToken).ConfigureAwait(false);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
                continue;
            }

            await using (link.ConfigureAwait(false))
            {
                try
                {
                    while (true)
                    {
                        pending ??= await _concentrator.Pushes.ReadAsync(cancellationToken).ConfigureAwait(false);
                        await link.SendAsync(pending.Apdu, cancellationToken).ConfigureAwait(false);
                        pending = null;
                        Interlocked.Increment(ref _forwarded);
                    }
                }
                catch (DlmsLinkException)
                {
                    // Lost the head-end: reconnect and send the pending push again.
                }
                catch (System.Threading.Channels.ChannelClosedException)
                {
                    return;
                }
            }
        }
    }
}
