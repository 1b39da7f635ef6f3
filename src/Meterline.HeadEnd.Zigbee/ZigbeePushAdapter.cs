using System.Threading.Channels;
using Meterline.Gateway;
using Meterline.HeadEnd.Ingest;

namespace Meterline.HeadEnd.Zigbee;

/// <summary>
/// Hands the meters' pushes that arrive through the local coordinator (<see cref="ZigbeeConcentrator.Pushes"/>) to the
/// ingest pipeline, one <see cref="InboundFrame"/> each: link id <c>zigbee:{radio address}</c>, source the radio's
/// 64-bit address (16 hex digits, the key of the per-source rate limit), received at the concentrator's arrival time,
/// no acknowledgement (the radio's own acknowledgement already told the meter it was delivered; a push lost after
/// this point is found by gap detection and back-filled, as on the TCP wrapper). A frame that is not addressed to the
/// push wPort (a late response to a session that has ended) or is larger than the bound is dropped and counted, and
/// so is a frame the sink threw on; the adapter goes on with the next.
/// </summary>
public sealed class ZigbeePushAdapter
{
    public const string LinkIdPrefix = "zigbee:";

    private readonly ChannelReader<ZigbeePush> _pushes;
    private readonly IInboundFrameSink _sink;
    private readonly ZigbeePushAdapterOptions _options;
    private long _submitted;
    private long _queued;
    private long _refused;
    private long _misaddressed;
    private long _oversized;
    private long _failed;

    public ZigbeePushAdapter(ChannelReader<ZigbeePush> pushes, IInboundFrameSink sink, ZigbeePushAdapterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(pushes);
        ArgumentNullException.ThrowIfNull(sink);
        _options = options ?? new ZigbeePushAdapterOptions();
        _options.Validate();
        _pushes = pushes;
        _sink = sink;
    }

    /// <summary>Frames handed to the sink.</summary>
    public long Submitted => Interlocked.Read(ref _submitted);

    /// <summary>Frames the sink queued.</summary>
    public long Queued => Interlocked.Read(ref _queued);

    /// <summary>Frames the sink rejected or shed (it counts and audits why).</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Frames dropped because they were not addressed to the push wPort.</summary>
    public long Misaddressed => Interlocked.Read(ref _misaddressed);

    /// <summary>Frames dropped because they were larger than <see cref="ZigbeePushAdapterOptions.MaxApduLength"/>.</summary>
    public long Oversized => Interlocked.Read(ref _oversized);

    /// <summary>Frames the sink threw on (other than for cancellation).</summary>
    public long SubmitFailures => Interlocked.Read(ref _failed);

    /// <summary>Every frame this adapter dropped itself, without a verdict of the sink.</summary>
    public long Dropped => Misaddressed + Oversized + SubmitFailures;

    /// <summary>The frame a push becomes.</summary>
    public static InboundFrame ToFrame(ZigbeePush push)
    {
        ArgumentNullException.ThrowIfNull(push);
        var source = push.Source.ToString();
        return new InboundFrame(LinkIdPrefix + source, source, push.Apdu, push.ReceivedAt);
    }

    /// <summary>Hands on pushes until cancelled (then returns normally) or until the concentrator's push queue completes.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (await _pushes.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (_pushes.TryRead(out var push))
                {
                    await HandleAsync(push, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task HandleAsync(ZigbeePush push, CancellationToken cancellationToken)
    {
        if (push.DestinationWPort != _options.PushWPort)
        {
            Interlocked.Increment(ref _misaddressed);
            return;
        }

        if (push.Apdu.Length > _options.MaxApduLength)
        {
            // Counted and audited by the ingest pipeline like an oversize frame on any other link.
            Interlocked.Increment(ref _oversized);
            var source = push.Source.ToString();
            _sink.RejectUnread(LinkIdPrefix + source, source, IngestRejectReason.Oversize,
                string.Create(System.Globalization.CultureInfo.InvariantCulture, $"a {push.Apdu.Length}-byte push, more than {_options.MaxApduLength}"));
            return;
        }

        Interlocked.Increment(ref _submitted);
        FrameAdmission admission;
        try
        {
            admission = await _sink.SubmitAsync(ToFrame(push), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Interlocked.Increment(ref _failed);
            return;
        }

        Interlocked.Increment(ref admission.Status == FrameAdmissionStatus.Queued ? ref _queued : ref _refused);
    }
}
