using System.Buffers;
using System.Net;

namespace Meterline.Dlms.Links;

/// <summary>
/// One datagram a <see cref="UdpDatagramReceiver"/> read, its bytes in a buffer rented from the shared pool: the
/// consumer disposes it when done with <see cref="Bytes"/>, which returns the buffer and frees its room in the queue.
/// </summary>
public sealed class ReceivedDatagram : IDisposable
{
    private readonly UdpDatagramReceiver _owner;
    private readonly int _length;
    private byte[]? _buffer;

    internal ReceivedDatagram(UdpDatagramReceiver owner, byte[] buffer, int length, int datagramLength, IPEndPoint remote, DateTimeOffset receivedAt)
    {
        _owner = owner;
        _buffer = buffer;
        _length = length;
        DatagramLength = datagramLength;
        Remote = remote;
        ReceivedAt = receivedAt;
    }

    /// <summary>Who sent it.</summary>
    public IPEndPoint Remote { get; }

    /// <summary>When the receive thread read it.</summary>
    public DateTimeOffset ReceivedAt { get; }

    /// <summary>Its length on the wire.</summary>
    public int DatagramLength { get; }

    /// <summary>True when it was longer than <see cref="UdpDatagramReceiverOptions.MaxDatagramLength"/> and only that much was kept.</summary>
    public bool Truncated => DatagramLength > _length;

    /// <summary>The bytes kept (all of them unless <see cref="Truncated"/>); valid until disposed.</summary>
    public ReadOnlySpan<byte> Bytes => (_buffer ?? throw new ObjectDisposedException(nameof(ReceivedDatagram))).AsSpan(0, _length);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } buffer)
        {
            _owner.Release(buffer.Length);
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
