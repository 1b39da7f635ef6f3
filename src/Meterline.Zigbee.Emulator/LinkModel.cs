namespace Meterline.Zigbee.Emulator;

/// <summary>
/// The radio between the emulated coordinator and its nodes. Each attempt of a frame takes, per hop, the per-hop delay
/// plus its serialisation at <see cref="AirRateBitsPerSecond"/>; it is lost with <see cref="LossRate"/> on each hop;
/// a lost attempt is repeated up to <see cref="MacRetries"/> times. A frame lost after every attempt is reported as a
/// failed delivery (PC to node) or simply not delivered (node to PC). <see cref="TransmitStatusFailureRate"/> makes a
/// delivered frame's acknowledgement go missing, so the sender is told it failed and may send it again.
/// </summary>
public sealed record LinkModel
{
    /// <summary>IEEE 802.15.4 at 2.4 GHz: 250 kbit/s.</summary>
    public int AirRateBitsPerSecond { get; init; } = 250_000;

    /// <summary>MAC and network overhead added to each frame's payload for its time on the air.</summary>
    public int OverheadBytes { get; init; } = 31;

    public TimeSpan PerHopDelay { get; init; } = TimeSpan.FromMilliseconds(2);

    public int Hops { get; init; } = 1;

    /// <summary>Probability that one attempt is lost on one hop, 0 to 1.</summary>
    public double LossRate { get; init; }

    /// <summary>The maximum RF payload, what <c>ATNP</c> answers.</summary>
    public int MaxPayload { get; init; } = 84;

    /// <summary>Probability that a delivered frame is still reported as failed (its acknowledgement lost), 0 to 1.</summary>
    public double TransmitStatusFailureRate { get; init; }

    /// <summary>Repeats of a lost attempt before the frame counts as lost.</summary>
    public int MacRetries { get; init; } = 3;

    /// <summary>Seed of the loss draws, so a run can be repeated.</summary>
    public int Seed { get; init; } = 1;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(AirRateBitsPerSecond, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(OverheadBytes, 0);
        ArgumentOutOfRangeException.ThrowIfLessThan(PerHopDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(Hops, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(LossRate, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(LossRate, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPayload, 4);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxPayload, 255);
        ArgumentOutOfRangeException.ThrowIfLessThan(TransmitStatusFailureRate, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(TransmitStatusFailureRate, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MacRetries, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MacRetries, 15);
    }
}
