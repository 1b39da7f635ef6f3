namespace Meterline.Meter.Metrology;

/// <summary>
/// One closed interval of <see cref="IntervalAccumulator"/>: a row of the block load profile (1.0.99.1.0.255: average
/// voltage, average current, block energies) or, over a day, of the daily load profile (1.0.99.2.0.255: cumulative
/// energies at midnight).
/// </summary>
/// <param name="CaptureTime">The meter time the interval was closed at.</param>
/// <param name="Duration">The time added to the interval.</param>
/// <param name="PoweredDuration">The part of it with supply voltage present.</param>
/// <param name="AverageVoltage">Time-weighted average voltage while powered, V (0 if never powered).</param>
/// <param name="AverageCurrent">Time-weighted average phase current while powered, A (0 if never powered).</param>
/// <param name="ImportWh">Block active import: the change of the whole-Wh import register over the interval.</param>
/// <param name="ExportWh">Block active export: the change of the whole-Wh export register.</param>
/// <param name="ApparentVAh">Block apparent energy: the change of the whole-VAh apparent register.</param>
/// <param name="CumulativeImportWh">The import register at the close.</param>
/// <param name="CumulativeExportWh">The export register at the close.</param>
/// <param name="CumulativeApparentVAh">The apparent register at the close.</param>
public readonly record struct IntervalSummary(
    DateTimeOffset CaptureTime,
    TimeSpan Duration,
    TimeSpan PoweredDuration,
    double AverageVoltage,
    double AverageCurrent,
    ulong ImportWh,
    ulong ExportWh,
    ulong ApparentVAh,
    ulong CumulativeImportWh,
    ulong CumulativeExportWh,
    ulong CumulativeApparentVAh);
