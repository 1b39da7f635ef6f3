namespace Meterline.Simulator.Topology;

/// <summary>Where one consumer meter of the fleet is on the network and on the map.</summary>
/// <param name="Index">The meter's fleet index.</param>
/// <param name="ConsumerId">The consumer (account), e.g. C-000042.</param>
/// <param name="TransformerId">The distribution transformer it hangs from, e.g. DT-0003.</param>
/// <param name="FeederId">That transformer's feeder, e.g. F-01.</param>
/// <param name="Latitude">WGS 84 degrees.</param>
/// <param name="Longitude">WGS 84 degrees.</param>
public sealed record ConsumerSite(int Index, string ConsumerId, string TransformerId, string FeederId, double Latitude, double Longitude);
