namespace Meterline.Cli.Detection;

/// <summary>What re-reading the live analytics window (2 days of every quantity, and the events) of every consumer meter cost once.</summary>
/// <param name="Meters">Meters read.</param>
/// <param name="Rows">Readings read over all of them.</param>
/// <param name="Elapsed">Wall-clock time for all of them, one after another.</param>
internal sealed record WindowReadCost(int Meters, long Rows, TimeSpan Elapsed)
{
    public double MillisecondsPerMeter => Meters == 0 ? 0 : Elapsed.TotalMilliseconds / Meters;

    public double RowsPerMeter => Meters == 0 ? 0 : (double)Rows / Meters;
}
