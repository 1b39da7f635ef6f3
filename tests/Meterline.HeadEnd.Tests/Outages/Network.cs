using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Outages;

namespace Meterline.HeadEnd.Tests.Outages;

/// <summary>A small synthetic network: feeder F1 with transformers T1 (meters 1–10) and T2 (meters 11–14), feeder F2 with T3 (meters 21–24); meter 30 has no transformer.</summary>
internal static class Network
{
    public static readonly DateTimeOffset T0 = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);

    public static OutageTopology Topology { get; } = new(
        Enumerable.Range(1, 10).Select(i => Place(i, "T1", "F1"))
            .Concat(Enumerable.Range(11, 4).Select(i => Place(i, "T2", "F1")))
            .Concat(Enumerable.Range(21, 4).Select(i => Place(i, "T3", "F2")))
            .Append(Place(30, null, null)));

    public static MeterPlace Place(int id, string? transformer, string? feeder) => new(new MeterId(id), Serial(id), transformer, feeder);

    public static string Serial(int id) => $"MTL{id:00000000}";

    public static PowerSignal LastGasp(int meter, DateTimeOffset at, DateTimeOffset? seenAt = null) => new(new MeterId(meter), at, seenAt ?? at, PowerSignalSource.LastGasp);

    public static PowerSignal Restoration(int meter, DateTimeOffset at, DateTimeOffset? seenAt = null) => new(new MeterId(meter), at, seenAt ?? at, PowerSignalSource.Restoration);
}
