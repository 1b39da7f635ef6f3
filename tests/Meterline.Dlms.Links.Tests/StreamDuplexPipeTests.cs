using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Meterline.Dlms.Links.Tests;

/// <summary>
/// A pipe over a socket waits for a silent peer with a zero-byte read (no read buffer held while the connection is
/// idle: memory per connected meter), and still delivers what the peer sends; without the option it reads into a buffer.
/// </summary>
public sealed class StreamDuplexPipeTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Input_PeerSilentThenSends_WaitsWithoutABufferOnlyWithZeroByteReads(bool zeroByteReads)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await peer.ConnectAsync((IPEndPoint)listener.LocalEndpoint).WaitAsync(Bound);
        var accepted = await listener.AcceptSocketAsync().WaitAsync(Bound);
        var stream = new ReadRecordingStream(new NetworkStream(accepted, ownsSocket: true));
        await using var pipe = new StreamDuplexPipe(stream, owner: null, zeroByteReads);

        var reading = pipe.Input.ReadAsync().AsTask();
        while (stream.Reads.IsEmpty)
        {
            await Task.Delay(10).WaitAsync(Bound);
        }

        Assert.False(reading.IsCompleted);
        Assert.Equal(zeroByteReads, stream.Reads.First() == 0);

        await peer.SendAsync(new byte[] { 0x00, 0x01, 0x00, 0x01 }).WaitAsync(Bound);
        var result = await reading.WaitAsync(Bound);
        Assert.Equal(new byte[] { 0x00, 0x01, 0x00, 0x01 }, System.Buffers.BuffersExtensions.ToArray(result.Buffer));
        pipe.Input.AdvanceTo(result.Buffer.End);
    }

    [Fact]
    public async Task FromAccepted_PeerSilentThenSends_DeliversTheBytes()
    {
        using var listener = TcpTransport.Listen(new IPEndPoint(IPAddress.Loopback, 0));
        using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await peer.ConnectAsync((IPEndPoint)listener.LocalEndpoint).WaitAsync(Bound);
        await using var pipe = TcpTransport.FromAccepted(await listener.AcceptSocketAsync().WaitAsync(Bound));

        var reading = pipe.Input.ReadAsync().AsTask();
        await Task.Delay(50);
        Assert.False(reading.IsCompleted);
        await peer.SendAsync(new byte[] { 1, 2, 3 }).WaitAsync(Bound);
        var result = await reading.WaitAsync(Bound);
        Assert.Equal(new byte[] { 1, 2, 3 }, System.Buffers.BuffersExtensions.ToArray(result.Buffer));
        pipe.Input.AdvanceTo(result.Buffer.End);
    }

    /// <summary>A socket's stream that records the length of every buffer it is asked to read into.</summary>
    private sealed class ReadRecordingStream(Stream inner) : Stream
    {
        public ConcurrentQueue<int> Reads { get; } = new();

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Reads.Enqueue(buffer.Length);
            return inner.ReadAsync(buffer, cancellationToken);
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            Reads.Enqueue(count);
            return inner.Read(buffer, offset, count);
        }

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);

        public override void Flush() => inner.Flush();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
