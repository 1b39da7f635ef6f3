namespace Meterline.HeadEnd.Ingest;

/// <summary>What one back-fill run did.</summary>
/// <param name="MetersChecked">Meters whose gaps were looked for.</param>
/// <param name="MetersWithGaps">Of those, meters with at least one gap.</param>
/// <param name="MetersDeferred">Meters with gaps left for the next run (per-run cap).</param>
/// <param name="MetersBackfilled">Meters read and written without error.</param>
/// <param name="ReadingsWritten">Readings the store took as new.</param>
/// <param name="Failures">Meters that could not be reached or read.</param>
public readonly record struct BackfillRunResult(int MetersChecked, int MetersWithGaps, int MetersDeferred, int MetersBackfilled, int ReadingsWritten, int Failures);
