using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Readings;

/// <summary>
/// One entry of a meter's billing profile (1.0.98.1.0.255): the registers frozen at a billing date. Unique by
/// (<see cref="Meter"/>, <see cref="CapturedAt"/>); a second write changes nothing.
/// </summary>
/// <param name="Meter">The meter.</param>
/// <param name="CapturedAt">The billing date-time the meter captured, in UTC.</param>
/// <param name="Values">The frozen registers (cumulative import and export, zones, maximum demand, …).</param>
/// <param name="MaximumDemandAt">When the maximum demand occurred, if the meter said.</param>
/// <param name="Quality">Where it came from.</param>
public sealed record BillingSnapshot(
    MeterId Meter,
    DateTimeOffset CapturedAt,
    IReadOnlyList<RegisterValue> Values,
    DateTimeOffset? MaximumDemandAt,
    ReadingQuality Quality);
