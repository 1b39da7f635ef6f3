using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Meterline.Dlms.Wrapper;

namespace Meterline.EndToEnd.Tests.Support;

/// <summary>
/// The network between a fleet and the head-end's push port, able to break: a TCP relay on 127.0.0.1 that forwards
/// whole wrapper frames and, while <see cref="Dropping"/> is set, loses them — as a path does that fails after the
/// sender's kernel took the bytes (the wrapper has no acknowledgement, so the meters count those pushes delivered).
/// </summary>
internal sealed class PushPathRelay : IAsyncDisposable
{
    private static readonly TimeSpan StopBound = TimeSpan.FromSeconds(10);

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private long _forwarded;
    private long _dropped;
    private volatile bool _dropping;

    public PushPathRelay(IPEndPoint target)
    {
        _target = target;
        _listener.Start();
        Endpoint = (IPEndPoint)_listener.LocalEndpoint;
        _accepting = AcceptAsync();
    }

    /// <summary>Where the fleet pushes to.</summary>
    public IPEndPoint Endpoint { get; }

    /// <summary>While set, frames are read and lost instead of forwarded.</summary>
    public bool Dropping
    {
        get => _dropping;
        set => _dropping = value;
    }

    public long Forwarded => Interlocked.Read(ref _forwarded);

    public long Dropped => Interlocked.Read(ref _dropped);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting.WaitAsync(StopBound);
        _listener.Dispose();
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        var relays = new List<Task>();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                relays.Add(RelayAsync(client));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        await Task.WhenAll(relays);
    }

    private async Task RelayAsync(TcpClient client)
    {
        using (client)
        using (var upstream = new TcpClient { NoDelay = true })
        {
            try
            {
                await upstream.ConnectAsync(_target, _stop.Token);
                var output = upstream.GetStream();
                var input = PipeReader.Create(client.GetStream());
                var frames = new WrapperFrameReader(ushort.MaxValue);
                while (true)
                {
                    var read = await input.ReadAsync(_stop.Token);
                    var buffer = read.Buffer;
                    while (frames.TryRead(ref buffer, out var frame))
                    {
                        if (_dropping)
                        {
                            Interlocked.Increment(ref _dropped);
                            continue;
                        }

                        await output.WriteAsync(frame.ToArray(), _stop.Token);
                        Interlocked.Increment(ref _forwarded);
                    }

                    input.AdvanceTo(buffer.Start, buffer.End);
                    if (read.IsCompleted)
                    {
                        break;
                    }
                }

                await input.CompleteAsync();
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
            {
                // The fleet or the node went away, or the relay is stopping: the connection ends, as a network path does.
            }
        }
    }
}
