using Meterline.Dlms.Wrapper;

namespace Meterline.Dlms.Links.Tests;

public sealed class DatagramWrapperLinkTests
{
    [Fact]
    public async Task SendAsync_WrapsTheApduFromThisLinksWPortToThePeers()
    {
        byte[]? sent = null;
        await using var link = new DatagramWrapperLink((d, _) => { sent = d.ToArray(); return ValueTask.CompletedTask; }, localWPort: 48, remoteWPort: 1);

        await link.SendAsync(new byte[] { 0xC0, 0x01 });

        var frame = WrapperFrame.DecodeDatagram(sent);
        Assert.Equal((48, 1), (frame.SourceWPort, frame.DestinationWPort));
        Assert.Equal(new byte[] { 0xC0, 0x01 }, frame.Apdu.ToArray());
    }

    [Fact]
    public async Task TryDeliver_QueueFull_RefusesAndCounts()
    {
        await using var link = new DatagramWrapperLink((_, _) => ValueTask.CompletedTask, 48, 1, receiveCapacity: 2);

        Assert.True(link.TryDeliver(new byte[] { 1 }));
        Assert.True(link.TryDeliver(new byte[] { 2 }));
        Assert.False(link.TryDeliver(new byte[] { 3 }));

        Assert.Equal(1, link.DroppedApdus);
        Assert.Equal(new byte[] { 1 }, (await link.ReceiveAsync()).ToArray());
    }

    [Fact]
    public async Task Complete_ReaderGetsALinkExceptionAndLaterApdusAreCounted()
    {
        var link = new DatagramWrapperLink((_, _) => ValueTask.CompletedTask, 48, 1);
        link.Complete();

        await Assert.ThrowsAsync<DlmsLinkException>(async () => await link.ReceiveAsync());
        await Assert.ThrowsAsync<DlmsLinkException>(async () => await link.SendAsync(new byte[] { 1 }));
        Assert.False(link.TryDeliver(new byte[] { 1 }));
        Assert.Equal(1, link.DroppedApdus);
    }
}
