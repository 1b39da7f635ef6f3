using System.Collections.Concurrent;
using Meterline.Dlms;
using Meterline.Dlms.Links;
using Meterline.Dlms.Wrapper;
using Meterline.Simulator.Hosting;
using Meterline.Zigbee;
using Meterline.Zigbee.Emulator;

namespace Meterline.Simulator.Radio;

/// <summary>
/// A meter's Zigbee radio module: the meter's end of an emulated node. Every message is one IEC 62056-47 wrapper
/// frame (docs/zigbee.md): frames to wPort 1 from a client wPort are served by the meter's DLMS server, one association
/// per client wPort (at most <see cref="MaxClients"/> at once); the meter's pushes go out from wPort 1 to wPort 1. While
/// the meter has no power it answers nothing (frames are dropped and counted, as on TCP).
/// </summary>
public sealed class MeterRadio : IAsyncDisposable
{
    /// <summary>Client wPorts served at once (the profile has four associations).</summary>
    public const int MaxClients = 4;

    /// <summary>The meter's wPort (its management logical device), also the source and destination of pushes.</summary>
    public const ushort MeterWPort = 1;

    private readonly EmulatedNode _node;
    private readonly IHostedMeter _meter;
    private readonly DlmsServer _server;
    private readonly ConcurrentDictionary<ushort, (DatagramWrapperLink Link, Task Serving)> _clients = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly TimeSpan _idleTimeout;
    private Task? _loop;
    private long _malformed;
    private long _whileUnpowered;
    private long _refusedClients;

    public MeterRadio(EmulatedNode node, IHostedMeter meter, TimeSpan idleTimeout)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(meter);
        _node = node;
        _meter = meter;
        _server = new DlmsServer(meter.CreateAssociation);
        _idleTimeout = idleTimeout;
    }

    public EmulatedNode Node => _node;

    public long MalformedFrames => Interlocked.Read(ref _malformed);

    public long FramesWhileUnpowered => Interlocked.Read(ref _whileUnpowered);

    public long RefusedClients => Interlocked.Read(ref _refusedClients);

    public void Start() => _loop ??= Task.Run(ReceiveLoopAsync);

    /// <summary>Sends one push (a whole APDU) from the meter to the coordinator; false when the radio could not deliver it.</summary>
    public async Task<bool> SendPushAsync(ReadOnlyMemory<byte> apdu, CancellationToken cancellationToken)
    {
        try
        {
            await SendDatagramAsync(new WrapperFrame(MeterWPort, MeterWPort, apdu).ToArray(), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (XBeeException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var (link, _) in _clients.Values)
        {
            link.Complete();
        }

        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        await Task.WhenAll(_clients.Values.Select(c => c.Serving)).ConfigureAwait(false);
        _stopping.Dispose();
        _sendLock.Dispose();
    }

    private async ValueTask SendDatagramAsync(ReadOnlyMemory<byte> datagram, CancellationToken cancellationToken)
    {
        // One message at a time: a response and a push must not interleave their segments' retries.
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _node.SendMessageAsync(datagram, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task ReceiveLoopAsync()
    {
        try
        {
            while (!_stopping.IsCancellationRequested)
            {
                var message = await _node.ReceiveMessageAsync(_stopping.Token).ConfigureAwait(false);
                Route(message);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
    }

    private void Route(byte[] message)
    {
        WrapperFrame frame;
        try
        {
            frame = WrapperFrame.DecodeDatagram(message);
        }
        catch (DlmsFormatException)
        {
            Interlocked.Increment(ref _malformed);
            return;
        }

        if (frame.DestinationWPort != MeterWPort || frame.SourceWPort == MeterWPort)
        {
            Interlocked.Increment(ref _malformed);
            return;
        }

        if (!_meter.Answers)
        {
            Interlocked.Increment(ref _whileUnpowered);
            return;
        }

        var client = frame.SourceWPort;
        if (!_clients.TryGetValue(client, out var session) || session.Link.Completion.IsCompleted)
        {
            foreach (var ended in _clients.Where(c => c.Value.Link.Completion.IsCompleted).ToList())
            {
                _clients.TryRemove(ended);
            }

            if (_clients.Count >= MaxClients)
            {
                Interlocked.Increment(ref _refusedClients);
                return;
            }

            var link = new DatagramWrapperLink((datagram, token) => SendDatagramAsync(datagram, token), MeterWPort, client);
            session = (link, ServeAsync(link, client));
            _clients[client] = session;
        }

        session.Link.TryDeliver(frame.Apdu);
    }

    private async Task ServeAsync(DatagramWrapperLink link, ushort client)
    {
        await Task.Yield();
        var idle = new IdleLink(link, _idleTimeout);
        try
        {
            await _server.ServeAsync(idle, () => client, _stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        finally
        {
            link.Complete();
        }
    }
}
