using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Meterline.HeadEnd.Dlms.Tests.Commands;

/// <summary>
/// A man in the middle between the head-end and a meter: a TCP proxy that reads the head-end's wrapper frames whole,
/// keeps a copy of each as the head-end sent it (an eavesdropper's recording, for replays) and passes it through
/// <see cref="Transform"/> (which may alter or replace it) before the meter sees it. The meter's frames pass unchanged.
/// Shared by the head-end's DLMS tests and the server tests (linked).
/// </summary>
internal sealed class WrapperProxy : IAsyncDisposable
{
    private const int HeaderLength = 8;
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<byte[]> _frames = [];
    private readonly Task _accepting;

    public WrapperProxy(int targetPort)
    {
        _target = targetPort;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    public int Port { get; }

    /// <summary>Applied to each frame from the head-end (8-byte header and APDU); identity by default.</summary>
    public Func<byte[], byte[]> Transform { get; set; } = frame => frame;

    /// <summary>Every frame the head-end sent so far, before any change.</summary>
    public IReadOnlyList<byte[]> Frames
    {
        get
        {
            lock (_frames)
            {
                return [.. _frames];
            }
        }
    }

    /// <summary>The APDU of a wrapper frame.</summary>
    public static byte[] Apdu(byte[] frame) => frame[HeaderLength..];

    /// <summary>A wrapper frame with the header of <paramref name="template"/> around <paramref name="apdu"/>.</summary>
    public static byte[] Frame(byte[] template, byte[] apdu)
    {
        var frame = new byte[HeaderLength + apdu.Length];
        template.AsSpan(0, 6).CopyTo(frame);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(6), (ushort)apdu.Length);
        apdu.CopyTo(frame, HeaderLength);
        return frame;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting.WaitAsync(StopTimeout);
        }
        catch (OperationCanceledException)
        {
        }

        _listener.Dispose();
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        var pumps = new List<Task>();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                var server = new TcpClient();
                try
                {
                    await server.ConnectAsync(IPAddress.Loopback, _target, _stop.Token);
                }
                catch
                {
                    client.Dispose();
                    server.Dispose();
                    throw;
                }

                pumps.Add(PumpAsync(client, server));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        await Task.WhenAll(pumps);
    }

    private async Task PumpAsync(TcpClient client, TcpClient server)
    {
        using (client)
        using (server)
        {
            var up = ForwardFramesAsync(client.GetStream(), server.GetStream());
            var down = CopyAsync(server.GetStream(), client.GetStream());
            await Task.WhenAny(up, down);
        }
    }

    private async Task ForwardFramesAsync(NetworkStream from, NetworkStream to)
    {
        var header = new byte[HeaderLength];
        try
        {
            while (true)
            {
                await from.ReadExactlyAsync(header, _stop.Token);
                var frame = new byte[HeaderLength + BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(6))];
                header.CopyTo(frame, 0);
                await from.ReadExactlyAsync(frame.AsMemory(HeaderLength), _stop.Token);
                lock (_frames)
                {
                    _frames.Add(frame);
                }

                await to.WriteAsync(Transform(frame), _stop.Token);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or SocketException or EndOfStreamException)
        {
        }
    }

    private async Task CopyAsync(NetworkStream from, NetworkStream to)
    {
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
            {
                await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }
}
