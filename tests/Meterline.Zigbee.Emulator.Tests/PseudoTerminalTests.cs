namespace Meterline.Zigbee.Emulator.Tests;

public class PseudoTerminalTests
{
    [Fact]
    public async Task RawMode_EveryByteValue_PassesUntranslatedBothWays()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var terminal = PseudoTerminal.Open();
        await using var serial = XBeeSerialPort.Open(terminal.SlavePath, 115200);
        var all = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();

        await serial.WriteAsync(all, deadline.Token);
        await serial.FlushAsync(deadline.Token);
        Assert.Equal(all, await ReadExactlyAsync(terminal.Master, all.Length, deadline.Token));

        await terminal.Master.WriteAsync(all, deadline.Token);
        Assert.Equal(all, await ReadExactlyAsync(serial, all.Length, deadline.Token));
    }

    [Fact]
    public void Open_SlavePath_IsAPseudoTerminalDevice()
    {
        using var terminal = PseudoTerminal.Open();

        Assert.StartsWith("/dev/pts/", terminal.SlavePath, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispose_DuringARead_EndsTheReadWithZero()
    {
        var terminal = PseudoTerminal.Open();
        var read = terminal.Master.ReadAsync(new byte[16]).AsTask();

        terminal.Dispose();

        Assert.Equal(0, await read.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void XBeeSerialPort_MissingDevice_ThrowsXBeeException()
    {
        var e = Assert.Throws<XBeeException>(() => XBeeSerialPort.Open("/dev/does-not-exist-meterline"));

        Assert.Contains("/dev/does-not-exist-meterline", e.Message, StringComparison.Ordinal);
    }

    private static async Task<byte[]> ReadExactlyAsync(Stream stream, int count, CancellationToken cancellationToken)
    {
        var buffer = new byte[count];
        await stream.ReadExactlyAsync(buffer, cancellationToken);
        return buffer;
    }
}
