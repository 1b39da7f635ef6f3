using System.IO.Pipelines;
using Meterline.Zigbee.Frames;
using Meterline.Zigbee.Tests.Driver;

namespace Meterline.Zigbee.Emulator.Tests;

/// <summary>The host's end of an in-memory wire to an emulated module: raw frames out, decoded frames in.</summary>
internal sealed class HostSide : IAsyncDisposable
{
    private readonly Pipe _toModule = new();
    private readonly Pipe _toHost = new();
    private readonly XBeeFrameStreamReader _frames;

    public HostSide()
    {
        ModuleStream = new DuplexStream(_toModule.Reader.AsStream(), _toHost.Writer.AsStream());
        _frames = new XBeeFrameStreamReader(_toHost.Reader.AsStream(leaveOpen: true), new XBeeFrameReader(), () => Mode);
    }

    /// <summary>The stream to give the module.</summary>
    public Stream ModuleStream { get; }

    public XBeeApiMode Mode { get; set; } = XBeeApiMode.Api;

    public async Task SendAsync(XBeeFrame frame)
    {
        await _toModule.Writer.WriteAsync(frame.Encode(Mode));
        await _toModule.Writer.FlushAsync();
    }

    public async Task<XBeeFrame> ReceiveAsync() =>
        await _frames.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5)) ?? throw new InvalidOperationException("the module closed the line");

    /// <summary>The next frame of type <typeparamref name="T"/>, skipping others (modem statuses at start).</summary>
    public async Task<T> ReceiveAsync<T>()
        where T : XBeeFrame
    {
        for (var i = 0; i < 16; i++)
        {
            if (await ReceiveAsync() is T frame)
            {
                return frame;
            }
        }

        throw new InvalidOperationException($"no {typeof(T).Name} arrived");
    }

    public async ValueTask DisposeAsync()
    {
        await _toModule.Writer.CompleteAsync();
        await _toHost.Reader.CompleteAsync();
    }
}
