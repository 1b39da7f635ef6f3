namespace Meterline.Simulator.Theft;

/// <summary>One injected theft: the ground truth the detection report scores against.</summary>
/// <param name="Meter">The meter's serial.</param>
/// <param name="Index">Its fleet index.</param>
/// <param name="Pattern">How it steals.</param>
/// <param name="Start">When it starts (simulated UTC).</param>
/// <param name="End">When it stops (simulated UTC); null: it lasts to the end of the run.</param>
/// <param name="Share">For <see cref="TheftPattern.Bypass"/>, the share of the load tapped ahead of the meter; else null.</param>
public sealed record TheftCase(string Meter, int Index, TheftPattern Pattern, DateTimeOffset Start, DateTimeOffset? End, double? Share = null)
{
    /// <summary>Whether the theft is on at <paramref name="time"/>.</summary>
    public bool IsActiveAt(DateTimeOffset time) => time >= Start && (End is not { } end || time < end);
}
