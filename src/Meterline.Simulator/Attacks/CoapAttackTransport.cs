using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Meterline.Coap.Blockwise;
using Meterline.Coap.Messages;

namespace Meterline.Simulator.Attacks;

/// <summary>
/// Attacks a CoAP push ingress (<c>coap://host:port</c>) over UDP: a flood of Confirmable POSTs to <c>/dlms</c>
/// (captured frames or random bodies), random bytes, Block1 first blocks announcing a body far above any limit
/// (Size1 100 MB), and replays of captured pushes. Datagrams are paced at <see cref="AttackOptions.Rate"/> from each
/// source address; responses are not waited for. Idle and slow connections mean nothing over UDP.
/// </summary>
public sealed class CoapAttackTransport : IAttackTransport
{
    private const int Batch = 50;

    public string Scheme => "coap";

    public bool Supports(AttackKind kind) => kind is AttackKind.Flood or AttackKind.Garbage or AttackKind.OversizeAnnouncement or AttackKind.Replay;

    public async Task<AttackReport> RunAsync(AttackOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (!Supports(options.Kind))
        {
            throw new NotSupportedException($"{options.Kind} means nothing over CoAP (UDP holds no connections).");
        }

        if (options.Kind == AttackKind.Replay && options.Frames.Count == 0)
        {
            throw new ArgumentException("A replay needs captured frames.", nameof(options));
        }

        var host = options.Target.DnsSafeHost;
        var address = IPAddress.TryParse(host, out var literal)
            ? literal
            : (await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false)).FirstOrDefault()
                ?? throw new ArgumentException($"{host} has no address", nameof(options));
        var target = new IPEndPoint(address, options.Target.IsDefaultPort || options.Target.Port < 0 ? 5683 : options.Target.Port);
        var sources = options.SourceAddresses.Count > 0 ? options.SourceAddresses : [target.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any];
        var clock = Stopwatch.StartNew();
        var results = await Task.WhenAll(sources.Select(source => SendFromAsync(source, target, options, cancellationToken))).ConfigureAwait(false);
        return new AttackReport(results.Sum(r => r.Sent), 0, 0, results.Sum(r => r.Errors), clock.Elapsed);
    }

    private static async Task<(long Sent, long Errors)> SendFromAsync(IPAddress source, IPEndPoint target, AttackOptions options, CancellationToken cancellationToken)
    {
        using var socket = new Socket(target.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(source, 0));
        long sent = 0;
        long errors = 0;
        var clock = Stopwatch.StartNew();
        var messageId = (ushort)RandomNumberGenerator.GetInt32(0, 65_536);
        try
        {
            while (clock.Elapsed < options.Duration)
            {
                for (var i = 0; i < Batch; i++)
                {
                    try
                    {
                        await socket.SendToAsync(Datagram(options, sent, messageId++), SocketFlags.None, target, cancellationToken).ConfigureAwait(false);
                        sent++;
                    }
                    catch (SocketException)
                    {
                        errors++;
                    }
                }

                // Paced: the next batch is due when the rate allows it.
                var due = TimeSpan.FromSeconds(sent / options.Rate);
                if (due > clock.Elapsed)
                {
                    await Task.Delay(due - clock.Elapsed, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        return (sent, errors);
    }

    private static byte[] Datagram(AttackOptions options, long index, ushort messageId)
    {
        if (options.Kind == AttackKind.Garbage)
        {
            return RandomNumberGenerator.GetBytes(RandomNumberGenerator.GetInt32(1, 1_200));
        }

        List<CoapOption> coapOptions = [.. CoapMessage.PathOptions("/dlms"), CoapOption.FromUInt(CoapOptionNumber.ContentFormat, CoapContentFormat.OctetStream)];
        ReadOnlyMemory<byte> payload;
        if (options.Kind == AttackKind.OversizeAnnouncement)
        {
            coapOptions.Add(new BlockOption(0, true, BlockOption.MaxSizeExponent).ToOption(CoapOptionNumber.Block1));
            coapOptions.Add(CoapOption.FromUInt(CoapOptionNumber.Size1, 100_000_000));
            payload = RandomNumberGenerator.GetBytes(1024);
        }
        else
        {
            payload = options.Frames.Count > 0 ? options.Frames[(int)(index % options.Frames.Count)] : RandomNumberGenerator.GetBytes(200);
        }

        return CoapMessageWriter.Encode(new CoapMessage
        {
            Type = CoapMessageType.Confirmable,
            Code = CoapCode.Post,
            MessageId = messageId,
            Token = RandomNumberGenerator.GetBytes(8),
            Options = coapOptions,
            Payload = payload,
        });
    }
}
