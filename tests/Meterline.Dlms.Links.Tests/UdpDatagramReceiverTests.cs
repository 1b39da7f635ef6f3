using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Meterline.Dlms.Links.Tests;

/// <summary>The UDP receive thread over real loopback sockets: what it queues, what it drops, and how it stops.</summary>
public sealed class UdpDatagramReceiverTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Start_DatagramsSent_QueuedInOrderWithTheirSenderAndBytes()
    {
        using var socket = BoundSocket();
        using var receiver = UdpDatagramReceiver.Start(socket);
        using var sender = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));

        for (byte i = 1; i <= 3; i++)
        {
            await sender.SendAsync(new byte[] { i, i, i }, Target(socket));
        }

        for (byte i = 1; i <= 3; i++)
        {
            using var datagram = await receiver.Datagrams.ReadAsync().AsTask().WaitAsync(Bound);
            Assert.Equal(new byte[] { i, i, i }, datagram.Bytes.ToArray());
            Assert.Equal(sender.Client.LocalEndPoint, datagram.Remote);
            Assert.False(datagram.Truncated);
        }

        Assert.Equal(3, receiver.Received);
        Assert.Equal(0, receiver.QueueFullDrops);
        Assert.Equal(0, receiver.QueuedBytes);
        Assert.True(receiver.IsRunning);
    }

    [Fact]
    public async Task Start_QueueFullInDatagrams_DroppedAndCountedThenReceivingGoesOn()
    {
        using var socket = BoundSocket();
        using var receiver = UdpDatagramReceiver.Start(socket, new UdpDatagramReceiverOptions { QueueCapacity = 2 });
        using var sender = new UdpClient(AddressFamily.InterNetwork);

        for (byte i = 1; i <= 5; i++)
        {
            await sender.SendAsync(new[] { i }, Target(socket));
        }

        await UntilAsync(() => receiver.QueueFullDrops == 3);
        Assert.Equal(5, receiver.Received);
        Assert.Equal(2, receiver.QueueDepth);

        Assert.Equal(new byte[] { 1, 2 }, await ReadAsync(receiver, 2));
        await sender.SendAsync(new byte[] { 6 }, Target(socket));
        Assert.Equal(new byte[] { 6 }, await ReadAsync(receiver, 1));
        Assert.Equal(3, receiver.QueueFullDrops);
        Assert.Equal(6, receiver.Received);
    }

    [Fact]
    public async Task Start_QueueFullInBytes_DroppedAndCountedAndRoomFreedByDispose()
    {
        using var socket = BoundSocket();
        using var receiver = UdpDatagramReceiver.Start(socket, new UdpDatagramReceiverOptions { MaxDatagramLength = 1024, QueueBytes = 2048 });
        using var sender = new UdpClient(AddressFamily.InterNetwork);

        // Each rents a 1,024-byte buffer: two fit, the third does not.
        for (var i = 0; i < 3; i++)
        {
            await sender.SendAsync(new byte[1000], Target(socket));
        }

        await UntilAsync(() => receiver.QueueFullDrops == 1);
        Assert.Equal(3, receiver.Received);
        Assert.Equal(2048, receiver.QueuedBytes);
        Assert.Equal(2, (await ReadAsync(receiver, 2)).Length / 1000);
        Assert.Equal(0, receiver.QueuedBytes);
    }

    [Fact]
    public async Task Start_DatagramLongerThanTheLimit_QueuedTruncatedWithItsLength()
    {
        using var socket = BoundSocket();
        using var receiver = UdpDatagramReceiver.Start(socket, new UdpDatagramReceiverOptions { MaxDatagramLength = 100 });
        using var sender = new UdpClient(AddressFamily.InterNetwork);

        await sender.SendAsync(new byte[5000], Target(socket));

        using var datagram = await receiver.Datagrams.ReadAsync().AsTask().WaitAsync(Bound);
        Assert.True(datagram.Truncated);
        Assert.Equal(5000, datagram.DatagramLength);
        Assert.Equal(100, datagram.Bytes.Length);
    }

    [Fact]
    public async Task Dispose_ThreadBlockedInReceive_StopsWithinTheBoundAndCompletesTheQueue()
    {
        using var socket = BoundSocket();
        var receiver = UdpDatagramReceiver.Start(socket, new UdpDatagramReceiverOptions { StopPollInterval = TimeSpan.FromMilliseconds(100) });
        using var sender = new UdpClient(AddressFamily.InterNetwork);
        await sender.SendAsync(new byte[] { 1 }, Target(socket));
        await sender.SendAsync(new byte[] { 2 }, Target(socket));
        await UntilAsync(() => receiver.QueueDepth == 2);

        var clock = Stopwatch.StartNew();
        receiver.Dispose();
        var stopping = clock.Elapsed;

        Assert.False(receiver.IsRunning);
        Assert.True(stopping < TimeSpan.FromSeconds(5), $"Dispose took {stopping}");
        Assert.Equal(2, receiver.DiscardedAtStop);
        Assert.Equal(0, receiver.QueuedBytes);
        await receiver.Datagrams.Completion.WaitAsync(Bound);
    }

    [Fact]
    public async Task Start_SocketClosedByItsOwner_ThreadEndsAndTheQueueCompletes()
    {
        var socket = BoundSocket();
        using var receiver = UdpDatagramReceiver.Start(socket);
        await UntilAsync(() => receiver.IsRunning);

        socket.Dispose();

        await receiver.Datagrams.Completion.WaitAsync(Bound);
        await UntilAsync(() => !receiver.IsRunning);
    }

    [Fact]
    public void Start_ReceiveBufferAsked_SetOnTheSocketAndClampReported()
    {
        using var socket = BoundSocket();
        using var receiver = UdpDatagramReceiver.Start(socket, new UdpDatagramReceiverOptions { ReceiveBufferSize = 64 * 1024 });

        // 64 KiB is below every kernel's cap: granted whole (Linux reports it doubled).
        Assert.False(receiver.ReceiveBufferClamped);
        Assert.Equal(socket.ReceiveBufferSize, receiver.EffectiveReceiveBufferSize);
        Assert.True(receiver.EffectiveReceiveBufferSize >= 64 * 1024);

        using var greedy = BoundSocket();
        using var clamped = UdpDatagramReceiver.Start(greedy, new UdpDatagramReceiverOptions { ReceiveBufferSize = int.MaxValue / 2 });
        Assert.True(clamped.ReceiveBufferClamped, $"a {int.MaxValue / 2}-byte buffer was granted ({clamped.EffectiveReceiveBufferSize})");
    }

    private static Socket BoundSocket()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    private static IPEndPoint Target(Socket socket) => (IPEndPoint)socket.LocalEndPoint!;

    private static async Task<byte[]> ReadAsync(UdpDatagramReceiver receiver, int count)
    {
        var bytes = new List<byte>();
        for (var i = 0; i < count; i++)
        {
            using var datagram = await receiver.Datagrams.ReadAsync().AsTask().WaitAsync(Bound);
            bytes.AddRange(datagram.Bytes.ToArray());
        }

        return [.. bytes];
    }

    private static async Task UntilAsync(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < Bound, "The condition did not hold within 20 s.");
            await Task.Delay(10);
        }
    }
}
