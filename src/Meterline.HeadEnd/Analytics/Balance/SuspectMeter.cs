using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Analytics.Balance;

/// <summary>
/// A consumer meter ranked by how well its drop explains the transformer's loss (docs/analytics.md "Energy balance"):
/// <see cref="Correlation"/> is Pearson's r between the loss and the meter's deficit against its own median over the
/// complete intervals (null with fewer than 4 points or no variation); <see cref="DeficitEnergy"/> the sum of its
/// positive deficits; <see cref="OpenAlerts"/> its open theft, tamper and integrity alerts.
/// </summary>
public sealed record SuspectMeter(MeterId Meter, double Score, double? Correlation, double DeficitEnergy, int OpenAlerts);
