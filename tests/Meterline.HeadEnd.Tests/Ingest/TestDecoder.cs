using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.Tests.Ingest;

/// <summary>
/// Decodes <see cref="TestFrames"/>: a usage frame is one block import reading at start + counter × 15 min (so two
/// counters of the same interval can be sent with <see cref="IntervalOf"/>); an alert is an event with
/// <see cref="AlertCode"/>. <see cref="Refuse"/> makes it refuse everything.
/// </summary>
internal sealed class TestDecoder : IPushDecoder
{
    public int AlertCode { get; set; } = 201;

    public IngestRejectReason? Refuse { get; set; }

    /// <summary>Maps a counter to the interval it reports (default: itself).</summary>
    public Func<uint, uint> IntervalOf { get; set; } = c => c;

    public ValueTask<PushDecodeResult> DecodeAsync(InboundFrame frame, SecuredApduHeader header, Meter meter, CancellationToken cancellationToken = default)
    {
        if (Refuse is { } reason)
        {
            return ValueTask.FromResult(PushDecodeResult.Refused(reason, "test refusal"));
        }

        var time = TestMeterSetup.Start.AddMinutes(15 * IntervalOf(header.InvocationCounter));
        var push = TestFrames.KindOf(frame) == PushKind.Alert
            ? new DecodedPush(meter.Id, header.InvocationCounter, PushKind.Alert, true, [], [], [new MeterEvent(meter.Id, time, AlertCode, [new RegisterValue(Quantity.Voltage, 230)], frame.ReceivedAt)])
            : new DecodedPush(meter.Id, header.InvocationCounter, PushKind.Usage, false, [new IntervalReading(meter.Id, time, Quantity.BlockImportEnergy, header.InvocationCounter, ReadingQuality.Authenticated)], [], []);
        return ValueTask.FromResult(PushDecodeResult.Decoded(push));
    }
}
