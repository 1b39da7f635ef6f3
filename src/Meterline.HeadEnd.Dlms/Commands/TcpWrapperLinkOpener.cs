using Meterline.Dlms.Links;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Dlms.Commands;

/// <summary>
/// Opens links to <c>dlms+tcp://host:port?wport=N</c> endpoints (<see cref="DlmsEndpoint"/>): a TCP connection with the
/// IEC 62056-47 wrapper from the client wPort to the meter's wPort N. <see cref="ConnectAsync"/> opens such a link to
/// any host and wPort (a data concentrator's, for one).
/// </summary>
public sealed class TcpWrapperLinkOpener : IDlmsLinkOpener
{
    private readonly TimeSpan _connectTimeout;
    private readonly TimeProvider _time;

    /// <param name="connectTimeout">How long a TCP connect may take (default 10 s).</param>
    /// <param name="timeProvider">The clock of the wrapper link's inter-frame time-out.</param>
    public TcpWrapperLinkOpener(TimeSpan? connectTimeout = null, TimeProvider? timeProvider = null)
    {
        _connectTimeout = connectTimeout ?? TimeSpan.FromSeconds(10);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_connectTimeout, TimeSpan.Zero, nameof(connectTimeout));
        _time = timeProvider ?? TimeProvider.System;
    }

    public bool CanOpen(MeterEndpoint endpoint) => endpoint is not null && DlmsEndpoint.TryParse(endpoint, out _);

    public Task<IApduLink> OpenAsync(MeterEndpoint endpoint, ushort clientWPort, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (!DlmsEndpoint.TryParse(endpoint, out var parsed))
        {
            throw new ArgumentException($"Not a {DlmsEndpoint.Scheme} endpoint: {endpoint}", nameof(endpoint));
        }

        return ConnectAsync(parsed.Host, parsed.Port, clientWPort, parsed.WPort, cancellationToken);
    }

    /// <summary>
    /// Connects to <paramref name="host"/>:<paramref name="port"/> and starts a wrapper link from
    /// <paramref name="localWPort"/> to <paramref name="remoteWPort"/>; the link closes the connection when disposed.
    /// </summary>
    public async Task<IApduLink> ConnectAsync(string host, int port, ushort localWPort, ushort remoteWPort, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        var pipe = await TcpTransport.ConnectAsync(host, port, _connectTimeout, cancellationToken).ConfigureAwait(false);
        try
        {
            return new PipeOwningLink(WrapperLink.Start(pipe, localWPort, remoteWPort, clock: _time), pipe);
        }
        catch
        {
            await pipe.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
