using System.Globalization;

namespace Meterline.Benchmarks.Zigbee;

/// <summary>The radio's and the driver's counters at one moment.</summary>
internal readonly record struct RadioCounters(long AirFramesLost, long TransmitAttempts, long TransmitFailures, long TransmitTimeouts)
{
    public RadioCounters Minus(RadioCounters earlier) => new(
        AirFramesLost - earlier.AirFramesLost,
        TransmitAttempts - earlier.TransmitAttempts,
        TransmitFailures - earlier.TransmitFailures,
        TransmitTimeouts - earlier.TransmitTimeouts);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{AirFramesLost} attempts lost on the air (MAC retries included), {TransmitAttempts} transmit requests, {TransmitFailures} failed deliveries, {TransmitTimeouts} missing statuses");
}
