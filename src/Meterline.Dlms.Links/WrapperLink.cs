using System.Buffers;
using System.IO.Pipelines;
using Meterline.Dlms.Wrapper;

namespace Meterline.Dlms.Links;

/// <summary>
/// An APDU link framed by the IEC 62056-47 wrapper over a stream (TCP). Frames addressed to other wPorts are counted
/// and dropped; a header announcing more than the negotiated APDU size is dropped without waiting for its body.
/// </summary>
public sealed class WrapperLink : ApduLink
{
    private readonly WrapperFrameReader _reader;
    private readonly TimeSpan _interFrameTimeout;
    private readonly TimeProvider _clock;

    private readonly bool _endOnInterFrameTimeout;

    private WrapperLink(IDuplexPipe pipe, ushort localWPort, ushort? remoteWPort, int maxApduLength, TimeSpan interFrameTimeout, TimeProvider clock, bool endOnInterFrameTimeout)
        : base(pipe)
    {
        _endOnInterFrameTimeout = endOnInterFrameTimeout;
        LocalWPort = localWPort;
        RemoteWPort = remoteWPort;
        _reader = new WrapperFrameReader(maxApduLength);
        _interFrameTimeout = interFrameTimeout;
        _clock = clock;
    }

    /// <summary>Our wPort: the client SAP on a client, the logical device on a server.</summary>
    public ushort LocalWPort { get; }

    /// <summary>The peer's wPort; null on a server that answers whichever client wPort spoke last.</summary>
    public ushort? RemoteWPort { get; private set; }

    /// <summary>The frame statistics of this link.</summary>
    public WrapperFrameReader Statistics => _reader;

    /// <summary>Frames received for a wPort pair other than this link's.</summary>
    public long MisaddressedFrames { get; private set; }

    /// <summary>The largest APDU accepted; raise it to the negotiated max-receive-pdu-size after association.</summary>
    public int MaxApduLength
    {
        get => _reader.MaxApduLength;
        set => _reader.MaxApduLength = value;
    }

    protected override TimeSpan? InterFrameTimeout => _interFrameTimeout;

    protected override TimeProvider Clock => _clock;

    protected override bool EndOnInterFrameTimeout => _endOnInterFrameTimeout;

    /// <summary>Starts a wrapper link over <paramref name="pipe"/>; with <paramref name="endOnInterFrameTimeout"/> a frame left unfinished for the inter-frame timeout ends the link.</summary>
    public static WrapperLink Start(
        IDuplexPipe pipe,
        ushort localWPort,
        ushort? remoteWPort,
        int maxApduLength = WrapperFrameReader.DefaultMaxApduLength,
        TimeSpan? interFrameTimeout = null,
        TimeProvider? clock = null,
        bool endOnInterFrameTimeout = false)
    {
        var link = new WrapperLink(pipe, localWPort, remoteWPort, maxApduLength, interFrameTimeout ?? TimeSpan.FromSeconds(5), clock ?? TimeProvider.System, endOnInterFrameTimeout);
        link.StartReading();
        return link;
    }

    public override ValueTask SendAsync(ReadOnlyMemory<byte> apdu, CancellationToken cancellationToken = default)
    {
        var remote = RemoteWPort ?? throw new InvalidOperationException("No peer wPort known yet");
        return WriteAsync(new WrapperFrame(LocalWPort, remote, apdu).ToArray(), cancellationToken);
    }

    protected override async ValueTask<SequencePosition> ProcessAsync(ReadOnlySequence<byte> buffer)
    {
        while (_reader.TryRead(ref buffer, out var frame))
        {
            if (frame.DestinationWPort != LocalWPort || (RemoteWPort is { } remote && frame.SourceWPort != remote))
            {
                MisaddressedFrames++;
                continue;
            }

            RemoteWPort ??= frame.SourceWPort;
            await DeliverAsync(frame.Apdu).ConfigureAwait(false);
        }

        return buffer.Start;
    }
}
