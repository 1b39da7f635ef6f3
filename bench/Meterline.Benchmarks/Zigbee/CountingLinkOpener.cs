using Meterline.Dlms.Links;
using Meterline.HeadEnd.Dlms.Commands;
using Meterline.HeadEnd.Meters;

namespace Meterline.Benchmarks.Zigbee;

/// <summary>
/// An opener that counts the APDUs, their bytes and the Zigbee segments they take (each message is an 8-byte wrapper
/// header and the APDU, cut into segments of <paramref name="segmentData"/> bytes) on every link it opens through
/// another opener.
/// </summary>
internal sealed class CountingLinkOpener(IDlmsLinkOpener inner, int segmentData) : IDlmsLinkOpener
{
    private const int WrapperHeader = 8;
    private long _sentSegments;
    private long _receivedSegments;
    private long _sent;
    private long _sentBytes;
    private long _received;
    private long _receivedBytes;

    public long ApdusSent => Interlocked.Read(ref _sent);

    public long BytesSent => Interlocked.Read(ref _sentBytes);

    public long ApdusReceived => Interlocked.Read(ref _received);

    public long BytesReceived => Interlocked.Read(ref _receivedBytes);

    public long SegmentsSent => Interlocked.Read(ref _sentSegments);

    public long SegmentsReceived => Interlocked.Read(ref _receivedSegments);

    public bool CanOpen(MeterEndpoint endpoint) => inner.CanOpen(endpoint);

    public async Task<IApduLink> OpenAsync(MeterEndpoint endpoint, ushort clientWPort, CancellationToken cancellationToken = default) =>
        new CountingLink(await inner.OpenAsync(endpoint, clientWPort, cancellationToken).ConfigureAwait(false), this);

    public void Reset()
    {
        Interlocked.Exchange(ref _sent, 0);
        Interlocked.Exchange(ref _sentBytes, 0);
        Interlocked.Exchange(ref _received, 0);
        Interlocked.Exchange(ref _receivedBytes, 0);
        Interlocked.Exchange(ref _sentSegments, 0);
        Interlocked.Exchange(ref _receivedSegments, 0);
    }

    internal void CountSent(int bytes)
    {
        Interlocked.Increment(ref _sent);
        Interlocked.Add(ref _sentBytes, bytes);
        Interlocked.Add(ref _sentSegments, Segments(bytes));
    }

    internal void CountReceived(int bytes)
    {
        Interlocked.Increment(ref _received);
        Interlocked.Add(ref _receivedBytes, bytes);
        Interlocked.Add(ref _receivedSegments, Segments(bytes));
    }

    private int Segments(int apduBytes) => (apduBytes + WrapperHeader + segmentData - 1) / segmentData;
}
