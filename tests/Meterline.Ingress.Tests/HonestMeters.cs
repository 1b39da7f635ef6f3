using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Meterline.Dlms.Wrapper;
using Meterline.HeadEnd.Ingest;

namespace Meterline.Ingress.Tests;

/// <summary>
/// The honest meters of an <see cref="IngressNode"/> pushing at their normal (here: compressed) rate, each over its own
/// TCP wrapper connection from its own loopback address (127.0.0.10 on), one push at a time: a push is sent, and it is
/// delivered when the node publishes its first committed record (the node's ingest subscription); its latency is
/// sent → committed. A push not committed within <see cref="LostAfter"/> counts as lost.
/// </summary>
internal sealed class HonestMeters : IAsyncDisposable
{
    public static readonly TimeSpan LostAfter = TimeSpan.FromSeconds(10);

    private readonly IngressNode _node;
    private readonly Socket[] _sockets;
    private readonly Dictionary<string, int> _indexBySerial;
    private readonly TaskCompletionSource[] _committed;
    private readonly int[] _next;
    private readonly IngestSubscription _subscription;
    private readonly Task _reading;
    private readonly Lock _lock = new();

    private HonestMeters(IngressNode node, Socket[] sockets)
    {
        _node = node;
        _sockets = sockets;
        _indexBySerial = node.Honest.Select((m, i) => (m.Id, i)).ToDictionary(p => p.Id, p => p.i);
        _committed = new TaskCompletionSource[sockets.Length];
        _next = new int[sockets.Length];
        _subscription = node.Node.Pipeline.Subscribe();
        _reading = Task.Run(ReadAsync);
    }

    public static async Task<HonestMeters> ConnectAsync(IngressNode node)
    {
        var sockets = new Socket[node.Honest.Count];
        for (var i = 0; i < sockets.Length; i++)
        {
            sockets[i] = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            sockets[i].Bind(new IPEndPoint(new IPAddress([127, 0, 0, (byte)(10 + i)]), 0));
            await sockets[i].ConnectAsync(node.TcpEndpoint).WaitAsync(TimeSpan.FromSeconds(10));
        }

        return new HonestMeters(node, sockets);
    }

    /// <summary>
    /// Every meter sends its next <paramref name="pushes"/> pushes, one every <paramref name="period"/> (meters
    /// staggered over the period), and the sent → committed latency of each is measured; lost pushes are NaN.
    /// </summary>
    public Task<List<double>> RunAsync(int pushes, TimeSpan period) => PacedPushes.RunAsync(_sockets.Length, pushes, period, SendOneAsync);

    public async ValueTask DisposeAsync()
    {
        _subscription.Dispose();
        await _reading.WaitAsync(TimeSpan.FromSeconds(10));
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }
    }

    private async Task<double> SendOneAsync(int meter)
    {
        var apdu = _node.Pushes[meter][_next[meter]++];
        var committed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            _committed[meter] = committed;
        }

        var sent = Stopwatch.GetTimestamp();
        await _sockets[meter].SendAsync(new WrapperFrame(1, 1, apdu).ToArray(), SocketFlags.None);
        try
        {
            await committed.Task.WaitAsync(LostAfter);
            return Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
        }
        catch (TimeoutException)
        {
            return double.NaN;
        }
    }

    private async Task ReadAsync()
    {
        await foreach (var record in _subscription.Reader.ReadAllAsync())
        {
            if (_node.Node.Pipeline.Directory.TryGet(record.Meter, out var meter) && _indexBySerial.TryGetValue(meter.Serial, out var index))
            {
                lock (_lock)
                {
                    _committed[index]?.TrySetResult();
                }
            }
        }
    }
}
