using System.Net;
using Meterline.Dlms.Links;
using Meterline.Meter.Push;

namespace Meterline.Simulator.Push;

/// <summary>
/// Delivers pushes as UDP datagrams with the IEC 62056-47 wrapper, one APDU each, from one socket for the fleet
/// (source wPort 1). UDP has no acknowledgement: a datagram handed to the network counts as delivered; only a local
/// send error reports false.
/// </summary>
public sealed class UdpWrapperPushSink : IPushSink, IAsyncDisposable
{
    private readonly UdpWrapperLink _link;
    private long _sent;
    private long _failed;

    private UdpWrapperPushSink(UdpWrapperLink link)
    {
        _link = link;
    }

    public long Sent => Interlocked.Read(ref _sent);

    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Resolves <paramref name="host"/> and opens the socket.</summary>
    public static async Task<UdpWrapperPushSink> OpenAsync(string host, int port, ushort sourceWPort = 1, ushort destinationWPort = 1, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        var address = IPAddress.TryParse(host, out var literal)
            ? literal
            : (await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false)).FirstOrDefault()
                ?? throw new DlmsLinkException($"{host} has no address", isTransient: true);
        return new UdpWrapperPushSink(UdpWrapperLink.Connect(new IPEndPoint(address, port), sourceWPort, destinationWPort));
    }

    public async ValueTask<bool> SendAsync(PushMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        try
        {
            await _link.SendAsync(message.Apdu, cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref _sent);
            return true;
        }
        catch (DlmsLinkException)
        {
            Interlocked.Increment(ref _failed);
            return false;
        }
    }

    public ValueTask DisposeAsync() => _link.DisposeAsync();
}
