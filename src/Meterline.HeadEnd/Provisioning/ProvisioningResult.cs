using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Provisioning;

/// <summary>The outcome for one meter; the reason names the meter and field, never a key.</summary>
/// <param name="Serial">The meter's serial.</param>
/// <param name="Outcome">Added, skipped or refused.</param>
/// <param name="Meter">The registry's id when the meter is registered (added or skipped).</param>
/// <param name="Reason">Why, for a person.</param>
public sealed record ProvisioningResult(string Serial, ProvisioningOutcome Outcome, MeterId? Meter, string Reason);
