namespace Meterline.Simulator.Topology;

/// <summary>One distribution transformer: its consumers (a run of fleet indexes) and the meter of its total.</summary>
/// <param name="Id">E.g. DT-0003.</param>
/// <param name="FeederId">E.g. F-01.</param>
/// <param name="Latitude">WGS 84 degrees.</param>
/// <param name="Longitude">WGS 84 degrees.</param>
/// <param name="FirstConsumer">The fleet index of its first consumer meter.</param>
/// <param name="ConsumerCount">How many consumer meters follow from there.</param>
/// <param name="MeterIndex">The fleet index of the meter measuring its total (after every consumer meter).</param>
public sealed record TransformerSite(string Id, string FeederId, double Latitude, double Longitude, int FirstConsumer, int ConsumerCount, int MeterIndex)
{
    /// <summary>Whether the consumer meter at <paramref name="index"/> hangs from this transformer.</summary>
    public bool Supplies(int index) => index >= FirstConsumer && index < FirstConsumer + ConsumerCount;
}
