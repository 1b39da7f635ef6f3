namespace Meterline.Simulator.Topology;

/// <summary>
/// How a fleet's consumers are grouped on the distribution network (<see cref="FleetTopology"/>): consumers under
/// distribution transformers, transformers under feeders, placed around a centre; and the technical loss between a
/// transformer's meter and its consumers' service points.
/// </summary>
public sealed record TopologyOptions
{
    /// <summary>The fewest consumers under one transformer (the last transformer may have fewer when the fleet runs out).</summary>
    public int MinConsumersPerTransformer { get; init; } = 25;

    /// <summary>The most consumers under one transformer.</summary>
    public int MaxConsumersPerTransformer { get; init; } = 50;

    /// <summary>Transformers on one feeder.</summary>
    public int TransformersPerFeeder { get; init; } = 8;

    /// <summary>The centre of the area, WGS 84 degrees (default: Bengaluru).</summary>
    public double CentreLatitude { get; init; } = 12.9716;

    /// <summary>The centre of the area, WGS 84 degrees.</summary>
    public double CentreLongitude { get; init; } = 77.5946;

    /// <summary>Transformers stand within this distance of the centre, metres.</summary>
    public double AreaRadiusMetres { get; init; } = 4_000;

    /// <summary>Consumers stand within this distance of their transformer, metres (a low-voltage distributor's reach).</summary>
    public double ServiceRadiusMetres { get; init; } = 300;

    /// <summary>The mean technical loss (lines, service cables, transformer) as a share of what the consumers draw.</summary>
    public double TechnicalLoss { get; init; } = 0.03;

    /// <summary>The loss's minute-to-minute variation around <see cref="TechnicalLoss"/> (± this share).</summary>
    public double TechnicalLossNoise { get; init; } = 0.01;

    /// <exception cref="ArgumentException">A value out of range.</exception>
    public void Validate()
    {
        if (MinConsumersPerTransformer < 1 || MaxConsumersPerTransformer < MinConsumersPerTransformer || MaxConsumersPerTransformer > 2_000
            || TransformersPerFeeder < 1 || !(CentreLatitude is >= -85 and <= 85) || !(CentreLongitude is >= -180 and <= 180)
            || !(AreaRadiusMetres is >= 0 and <= 100_000) || !(ServiceRadiusMetres is >= 0 and <= 5_000)
            || !(TechnicalLoss is >= 0 and < 0.5) || !(TechnicalLossNoise >= 0 && TechnicalLossNoise <= TechnicalLoss))
        {
            throw new ArgumentException(
                "Topology: 1 ≤ min ≤ max ≤ 2,000 consumers per transformer, ≥ 1 transformer per feeder, a centre on the map, "
                + "radii within 100 km and 5 km, technical loss from 0 to 0.5 with noise at most the loss.");
        }
    }
}
