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

    /// <param name="meter">The meter whose <c>up</c> topic it came on (authenticated by the broker's ACL).</param>
    /// <param name="source">The sender's address (the per-source rate limit's key).</param>
    /// <param name="payload">The message payload.</param>
    /// <param name="cancellationToken">Ends the wait for the commit (the connection closed).</param>
    /// <param name="path">Which messages this subscription is for; others are accepted and left alone.</param>
    public async Task<UplinkResult> HandleAsync(MeterSystemTitle meter, string source, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken, UplinkPath path = UplinkPath.All)
    {
        var linkId = "mqtt:" + meter;
        WrapperFrame frame;
        try
        {
            frame = WrapperFrame.DecodeDatagram(payload.Span);
        }
        catch (DlmsFormatException)
        {
            _sink.RejectUnread(linkId, source, IngestRejectReason.Malformed,
                string.Create(CultureInfo.InvariantCulture, $"a {payload.Length}-byte payload that is no wrapper frame"));
            return UplinkResult.Refused(IngestRejectReason.Malformed);
        }

        if (frame.Apdu.Length > _options.MaxApduLength)
        {
            _sink.RejectUnread(linkId, source, IngestRejectReason.Oversize,
                string.Create(CultureInfo.InvariantCulture, $"a {frame.Apdu.Length}-byte APDU, more than {_options.MaxApduLength}"));
            return UplinkResult.Refused(IngestRejectReason.Oversize);
        }

        if (frame.DestinationWPort != _options.PushWPort)
        {
            if (path == UplinkPath.Pushes)
            {
                return UplinkResult.Accepted;
            }

            Interlocked.Increment(ref _responses);
            _sessions.Deliver(meter, frame.DestinationWPort, frame.Apdu);
            return UplinkResult.Accepted;
        }

        if (path == UplinkPath.Responses)
        {
            return UplinkResult.Accepted;
        }

        Interlocked.Increment(ref _pushes);
        var acknowledgement = new PublishAcknowledgement();
        var admission = await _sink.SubmitAsync(new InboundFrame(linkId, source, frame.Apdu, _time.GetUtcNow(), acknowledgement), cancellationToken).ConfigureAwait(false);
        if (admission.Status == FrameAdmissionStatus.Rejected)
        {
            return UplinkResult.Refused(admission.Reason ?? IngestRejectReason.Malformed);
        }

        return await acknowledgement.Outcome.WaitAsync(cancellationToken).ConfigureAwait(false) switch
        {
            FrameOutcome.Committed => UplinkResult.Accepted,
            FrameOutcome.Rejected => UplinkResult.Refused(IngestRejectReason.Undecodable),
            _ => UplinkResult.Failed,
        };
    }
}
