using System.Collections.Concurrent;
using System.IO.Pipelines;
using Meterline.Zigbee.Frames;

namespace Meterline.Zigbee.Tests.Driver;

/// <summary>
/// A scripted peer for the driver over in-memory pipes: it records every frame the driver sends and answers through
/// <see cref="Answer"/> (default: the start-up queries of a module in <see cref="Mode"/>).
/// </summary>
internal sealed class ScriptedModule : IAsyncDisposable
{
    private readonly Pipe _toModule = new();
    private readonly Pipe _toDriver = new();
    private readonly Task _loop;

    public ScriptedModule()
    {
        DriverStream = new DuplexStream(_toDriver.Reader.AsStream(), _toModule.Writer.AsStream());
        _loop = Task.Run(LoopAsync);
    }

    public Stream DriverStream { get; }

    public XBeeApiMode Mode { get; set; } = XBeeApiMode.Api;

    /// <summary>The answers to a frame from the driver; null falls back to <see cref="Default"/>.</summary>
    public Func<XBeeFrame, IEnumerable<XBeeFrame>?> Answer { get; set; } = _ => null;

    public ConcurrentQueue<XBeeFrame> Received { get; } = new();

    public IEnumerable<XBeeFrame> Default(XBeeFrame frame) => frame switch
    {
        AtCommand { Command: "AP" } at => [Ok(at, (byte)Mode)],
        AtCommand { Command: "NP" } at => [Ok(at, 0x00, 0x54)],
        AtCommand { Command: "SH" } at => [Ok(at, 0x00, 0x13, 0xA2, 0x00)],
        AtCommand { Command: "SL" } at => [Ok(at, 0x40, 0x00, 0x00, 0x01)],
        AtCommand { Command: "MY" } at => [Ok(at, 0x00, 0x00)],
        AtCommand { Command: "NT" } at => [Ok(at, 0x3C)],
        AtCommand at => [new AtCommandResponse(at.FrameId, at.Command, AtCommandStatus.InvalidCommand, ReadOnlyMemory<byte>.Empty)],
        _ => [],
    };

    public static AtCommandResponse Ok(AtCommand at, params byte[] data) => new(at.FrameId, at.Command, AtCommandStatus.Ok, data);

    public async Task SendAsync(XBeeFrame frame) => await SendRawAsync(frame.Encode(Mode));

    public async Task SendRawAsync(byte[] bytes)
    {
        await _toDriver.Writer.WriteAsync(bytes);
        await _toDriver.Writer.FlushAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _toDriver.Writer.CompleteAsync();

        // Completing a pipe's reader does not wake a read pending on it; only the writer's end (the driver closing
        // its stream, which it may not do before it is disposed itself) or a cancelled read does. Without this the
        // loop could wait on the driver, and the driver on the test (a CI run: the 5 s bound below ran out).
        _toModule.Reader.CancelPendingRead();
        try
        {
            await _loop.WaitAsync(TimeSpan.FromSeconds(5));
        }
        finally
        {
            await _toModule.Reader.CompleteAsync();
        }
    }

    private async Task LoopAsync()
    {
        var frames = new XBeeFrameStreamReader(_toModule.Reader.AsStream(leaveOpen: true), new XBeeFrameReader(), () => Mode);
        try
        {
            while (await frames.ReadAsync() is { } frame)
            {
                Received.Enqueue(frame);
                foreach (var answer in Answer(frame) ?? Default(frame))
                {
                    await SendAsync(answer);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException)
        {
            // DisposeAsync cancelled the pending read, or completed the pipe an answer was being written to.
        }
    }
}
