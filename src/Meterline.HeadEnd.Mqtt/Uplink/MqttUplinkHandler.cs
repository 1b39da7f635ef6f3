using System.Globalization;
using Meterline.Dlms;
using Meterline.Dlms.Wrapper;
using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Mqtt.Links;

namespace Meterline.HeadEnd.Mqtt.Uplink;

/// <summary>
/// Reads one message from a meter's <c>up</c> topic — an IEC 62056-47 wrapper frame — and hands it on: a push
/// (destination wPort <see cref="MqttUplinkOptions.PushWPort"/>) to the ingest pipeline, returning only once the
/// pipeline has committed, refused or failed it; a session response (any other destination wPort: the client SAP) to
/// the session waiting for it. Payloads that are no wrapper frame, or carry more than the largest APDU, are refused at
/// the sink (counted and audited). Shared by the embedded broker and the external-broker consumer.
/// </summary>
public sealed class MqttUplinkHandler
{
    private readonly IInboundFrameSink _sink;
    private readonly MqttSessionRouter _sessions;
    private readonly MqttUplinkOptions _options;
    private readonly TimeProvider _time;
    private long _pushes;
    private long _responses;

    public MqttUplinkHandler(IInboundFrameSink sink, MqttSessionRouter sessions, MqttUplinkOptions? options = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(sessions);
        _options = options ?? new MqttUplinkOptions();
        _options.Validate();
        _sink = sink;
        _sessions = sessions;
        _time = time ?? TimeProvider.System;
    }

    public IInboundFrameSink Sink => _sink;

    /// <summary>Pushes handed to the pipeline.</summary>
    public long Pushes => Interlocked.Read(ref _pushes);

    /// <summary>Session responses handed to sessions.</summary>
    public long Responses => Interlocked.Read(ref _responses);

    /// <summary>Hands the message on and waits for its push's commit: <see cref="SubmitAsync"/>, then the commit.</summary>
    /// <param name="meter">The meter whose <c>up</c> topic it came on (authenticated by the broker's ACL).</param>
    /// <param name="source">The sender's address (the per-source rate limit's key).</param>
    /// <param name="payload">The message payload.</param>
    /// <param name="cancellationToken">Ends the wait for the commit (the connection closed).</param>
    /// <param name="path">Which messages this subscription is for; others are accepted and left alone.</param>
    public async Task<UplinkResult> HandleAsync(MeterSystemTitle meter, string source, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken, UplinkPath path = UplinkPath.All)
    {
        var submission = await SubmitAsync(meter, LinkId(meter), source, payload, cancellationToken, path).ConfigureAwait(false);
        return submission.Commit is { } commit
            ? UplinkSubmission.ResultOf(await commit.WaitAsync(cancellationToken).ConfigureAwait(false))
            : submission.Settled;
    }

    /// <summary>
    /// Hands the message on and returns once the pipeline has queued or refused it, without waiting for the commit
    /// (<see cref="UplinkSubmission.Commit"/>): a caller that submits one meter's messages one after another, each
    /// once the one before is queued, keeps them in order (a push is checked against the committed counters when it
    /// is queued, so a later push committed first cannot make an earlier, already queued one a replay).
    /// </summary>
    /// <param name="meter">The meter whose <c>up</c> topic it came on (authenticated by the broker's ACL).</param>
    /// <param name="linkId">The link's id in the pipeline's records and audit (<see cref="LinkId"/>).</param>
    /// <param name="source">The sender's address (the per-source rate limit's key).</param>
    /// <param name="payload">The message payload.</param>
    /// <param name="cancellationToken">Ends a wait for room in the pipeline.</param>
    /// <param name="path">Which messages this subscription is for; others are accepted and left alone.</param>
    public async ValueTask<UplinkSubmission> SubmitAsync(MeterSystemTitle meter, string linkId, string source, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken, UplinkPath path = UplinkPath.All)
    {
        WrapperFrame frame;
        try
        {
            frame = WrapperFrame.DecodeDatagram(payload.Span);
        }
        catch (DlmsFormatException)
        {
            _sink.RejectUnread(linkId, source, IngestRejectReason.Malformed,
                string.Create(CultureInfo.InvariantCulture, $"a {payload.Length}-byte payload that is no wrapper frame"));
            return UplinkSubmission.Of(UplinkResult.Refused(IngestRejectReason.Malformed));
        }

        if (frame.Apdu.Length > _options.MaxApduLength)
        {
            _sink.RejectUnread(linkId, source, IngestRejectReason.Oversize,
                string.Create(CultureInfo.InvariantCulture, $"a {frame.Apdu.Length}-byte APDU, more than {_options.MaxApduLength}"));
            return UplinkSubmission.Of(UplinkResult.Refused(IngestRejectReason.Oversize));
        }

        if (frame.DestinationWPort != _options.PushWPort)
        {
            if (path == UplinkPath.Pushes)
            {
                return UplinkSubmission.Of(UplinkResult.Accepted);
            }

            Interlocked.Increment(ref _responses);
            _sessions.Deliver(meter, frame.DestinationWPort, frame.Apdu);
            return UplinkSubmission.Of(UplinkResult.Accepted);
        }

        if (path == UplinkPath.Responses)
        {
            return UplinkSubmission.Of(UplinkResult.Accepted);
        }

        Interlocked.Increment(ref _pushes);
        var acknowledgement = new PublishAcknowledgement();
        var admission = await _sink.SubmitAsync(new InboundFrame(linkId, source, frame.Apdu, _time.GetUtcNow(), acknowledgement), cancellationToken).ConfigureAwait(false);
        if (admission.Status == FrameAdmissionStatus.Rejected)
        {
            return UplinkSubmission.Of(UplinkResult.Refused(admission.Reason ?? IngestRejectReason.Malformed));
        }

        if (admission.Status == FrameAdmissionStatus.Shed)
        {
            // The pipeline's queue was full: good, but not taken now (the sender may try again).
            return UplinkSubmission.Of(UplinkResult.Failed);
        }

        return new UplinkSubmission(UplinkResult.Accepted, acknowledgement.Outcome) { Acknowledgement = acknowledgement };
    }

    /// <summary>The pipeline's link id of a meter's MQTT messages, <c>mqtt:{title}</c> (one allocation).</summary>
    public static string LinkId(MeterSystemTitle meter) => string.Create(5 + 16, meter.Value, static (span, value) =>
    {
        "mqtt:".CopyTo(span);
        value.TryFormat(span[5..], out _, "X16", CultureInfo.InvariantCulture);
    });
}
