using System.Threading.Channels;
using Meterline.Dlms.Wrapper;

namespace Meterline.Dlms.Links;

/// <summary>
/// An APDU link over any datagram service that carries one IEC 62056-47 wrapper frame per datagram (as DLMS/UDP does):
/// a Zigbee radio, for one. Sending wraps the APDU (this link's wPort to the peer's) and hands the datagram to the
/// send delegate; receiving takes the APDUs a demultiplexer, which reads the datagrams and routes them by wPort pair,
/// delivers through <see cref="TryDeliver"/>. The receive queue is bounded: an APDU beyond it is counted and dropped.
/// </summary>
public sealed class DatagramWrapperLink : IApduLink
{
    private readonly Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> _sendDatagram;
    private readonly Channel<ReadOnlyMemory<byte>> _received;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2213", Justification = "SemaphoreSlim holds nothing unmanaged unless AvailableWaitHandle is used (it is not); a send in flight may still release it after disposal.")]
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private long _dropped;

    public DatagramWrapperLink(Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> sendDatagram, ushort localWPort, ushort remoteWPort, int receiveCapacity = ApduLink.ReceiveQueueCapacity)
    {
        ArgumentNullException.ThrowIfNull(sendDatagram);
        ArgumentOutOfRangeException.ThrowIfLessThan(receiveCapacity, 1);
        _sendDatagram = sendDatagram;
        LocalWPort = localWPort;
        RemoteWPort = remoteWPort;
        // Wait mode: TryWrite answers false when the queue is full (DropWrite would answer true and drop silently).
        _received = Channel.CreateBounded<ReadOnlyMemory<byte>>(new BoundedChannelOptions(receiveCapacity) { SingleReader = true });
    }

    public ushort LocalWPort { get; }

    public ushort RemoteWPort { get; }

    /// <summary>APDUs dropped because the receive queue was full or the link had ended.</summary>
    public long DroppedApdus => Interlocked.Read(ref _dropped);

    public Task Completion => _completion.Task;

    /// <summary>Hands the link an APDU received for it; false (and counted) when the queue is full or the link has ended.</summary>
    public bool TryDeliver(ReadOnlyMemory<byte> apdu)
    {
        if (_received.Writer.TryWrite(apdu))
        {
            return true;
        }

        Interlocked.Increment(ref _dropped);
        return false;
    }

    /// <summary>Ends the link: a reader waiting gets a <see cref="DlmsLinkException"/>; <paramref name="error"/> faults <see cref="Completion"/>.</summary>
    public void Complete(Exception? error = null)
    {
        _received.Writer.TryComplete(error is null ? null : error as DlmsLinkException ?? new DlmsLinkException(error.Message, isTransient: true, error));
        if (error is null)
        {
            _completion.TrySetResult();
        }
        else
        {
            _completion.TrySetException(error);
        }
    }

    public async ValueTask SendAsync(ReadOnlyMemory<byte> apdu, CancellationToken cancellationToken = default)
    {
        if (_completion.Task.IsCompleted)
        {
            throw new DlmsLinkException("The link is closed", isTransient: true);
        }

        var datagram = new WrapperFrame(LocalWPort, RemoteWPort, apdu).ToArray();
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _sendDatagram(datagram, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException and not DlmsLinkException)
        {
            throw new DlmsLinkException($"The datagram could not be sent: {e.Message}", isTransient: true, e);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    public async ValueTask<ReadOnlyMemory<byte>> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await _received.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException e)
        {
            throw e.InnerException as DlmsLinkException ?? new DlmsLinkException("The link is closed", isTransient: true, e.InnerException);
        }
    }

    public ValueTask DisposeAsync()
    {
        Complete();
        return ValueTask.CompletedTask;
    }
}
