using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net.Sockets;
using Meterline.Dlms.Links;
using Meterline.Dlms.Wrapper;
using Meterline.Simulator.Fleet;

namespace Meterline.HeadEnd.Mqtt.Tests;

/// <summary>
/// A simulated meter on its own DLMS/TCP link to a gateway, as a meter that connects out: it sends its pushes
/// (wPort 1 to wPort 1) and serves the requests that come back on the link with its DLMS server, one association
/// per client wPort — what <c>MeterRadio</c> does over Zigbee.
/// </summary>
internal sealed class TcpLinkMeter : IAsyncDisposable
{
    private const ushort MeterWPort = 1;
    private readonly SimulatedMeter _meter;
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private readonly DlmsServer _server;
    private readonly SemaphoreSlim _write = new(1, 1);
    private readonly ConcurrentDictionary<ushort, (DatagramWrapperLink Link, Task Serving)> _sessions = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reading;
    private long _pushed;

    private TcpLinkMeter(SimulatedMeter meter, TcpClient client)
    {
        _meter = meter;
        _client = client;
        _stream = client.GetStream();
        _server = new DlmsServer(meter.CreateAssociation);
        _reading = ReadAsync();
    }

    public long Pushed => Interlocked.Read(ref _pushed);

    public static async Task<TcpLinkMeter> ConnectAsync(SimulatedMeter meter, int port)
    {
        var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync("127.0.0.1", port).WaitAsync(MqttHeadEnd.Bound);
        return new TcpLinkMeter(meter, client);
    }

    /// <summary>Sends every push the meter has due; a push counts delivered once the kernel took it (the wrapper has no acknowledgement).</summary>
    public async Task<int> PushAllAsync()
    {
        var sent = 0;
        while (_meter.TryTakePush(out var message))
        {
            await SendAsync(new WrapperFrame(MeterWPort, MeterWPort, message.Apdu).ToArray(), CancellationToken.None);
            _meter.CompletePush(message.Sequence, delivered: true);
            Interlocked.Increment(ref _pushed);
            sent++;
        }

        return sent;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _stream.DisposeAsync();
        _client.Dispose();
        await _reading;
        foreach (var (link, serving) in _sessions.Values)
        {
            link.Complete();
            await serving;
        }

        _stop.Dispose();
        _write.Dispose();
    }

    private async ValueTask SendAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        await _write.WaitAsync(cancellationToken);
        try
        {
            await _stream.WriteAsync(frame, cancellationToken);
        }
        finally
        {
            _write.Release();
        }
    }

    private async Task ReadAsync()
    {
        var reader = PipeReader.Create(_stream, new StreamPipeReaderOptions(leaveOpen: true));
        var frames = new WrapperFrameReader();
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(_stop.Token);
                var buffer = result.Buffer;
                while (frames.TryRead(ref buffer, out var frame))
                {
                    Route(frame);
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
        }
        finally
        {
            await reader.CompleteAsync();
        }
    }

    private void Route(WrapperFrame frame)
    {
        if (frame.DestinationWPort != MeterWPort || frame.SourceWPort == MeterWPort)
        {
            return;
        }

        var client = frame.SourceWPort;
        if (!_sessions.TryGetValue(client, out var session) || session.Link.Completion.IsCompleted)
        {
            var link = new DatagramWrapperLink(SendAsync, MeterWPort, client);
            session = (link, ServeAsync(link, client));
            _sessions[client] = session;
        }

        session.Link.TryDeliver(frame.Apdu);
    }

    private async Task ServeAsync(DatagramWrapperLink link, ushort client)
    {
        await Task.Yield();
        try
        {
            await _server.ServeAsync(link, () => client, _stop.Token);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        finally
        {
            link.Complete();
        }
    }
}
