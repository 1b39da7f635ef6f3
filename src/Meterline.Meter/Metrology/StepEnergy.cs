namespace Meterline.Meter.Metrology;

/// <summary>The exact (fractional) energies one <see cref="MetrologyEngine.Step"/> added to the registers.</summary>
/// <param name="ImportWh">Active energy imported, Wh.</param>
/// <param name="ExportWh">Active energy exported, Wh.</param>
/// <param name="ApparentVAh">Apparent energy while importing, VAh.</param>
public readonly record struct StepEnergy(double ImportWh, double ExportWh, double ApparentVAh);
