using Meterline.Simulator.Topology;

namespace Meterline.Simulator.Tests.Topology;

public sealed class FleetTopologyTests
{
    private static readonly TopologyOptions Options = new();

    [Fact]
    public void Create_SameSeed_GivesTheSameNetwork()
    {
        var a = FleetTopology.Create(500, 7, Options);
        var b = FleetTopology.Create(500, 7, Options);

        Assert.Equal(a.Consumers, b.Consumers);
        Assert.Equal(a.Transformers, b.Transformers);
        Assert.NotEqual(a.Consumers, FleetTopology.Create(500, 8, Options).Consumers);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(24)]
    [InlineData(1000)]
    [InlineData(1337)]
    public void Create_AnyFleet_PutsEveryConsumerUnderExactlyOneTransformerOfTheRightSize(int consumers)
    {
        var topology = FleetTopology.Create(consumers, 3, Options);

        Assert.Equal(consumers, topology.Consumers.Count);
        Assert.Equal(consumers, topology.Transformers.Sum(t => t.ConsumerCount));
        Assert.Equal(consumers + topology.Transformers.Count, topology.MeterCount);
        for (var i = 0; i < consumers; i++)
        {
            var site = topology.Consumers[i];
            var owner = Assert.Single(topology.Transformers, t => t.Supplies(i));
            Assert.Equal((i, owner.Id, owner.FeederId), (site.Index, site.TransformerId, site.FeederId));
            Assert.Equal(FormattableString.Invariant($"C-{i + 1:D6}"), site.ConsumerId);
            Assert.True(DistanceMetres(site.Latitude, site.Longitude, owner.Latitude, owner.Longitude) <= Options.ServiceRadiusMetres + 1);
        }

        foreach (var (transformer, t) in topology.Transformers.Select((x, i) => (x, i)))
        {
            Assert.Equal(consumers + t, transformer.MeterIndex);
            Assert.Same(transformer, topology.TransformerMeasuredBy(transformer.MeterIndex));
            Assert.True(DistanceMetres(transformer.Latitude, transformer.Longitude, Options.CentreLatitude, Options.CentreLongitude) <= Options.AreaRadiusMetres + 1);
            Assert.Equal(FormattableString.Invariant($"F-{(t / Options.TransformersPerFeeder) + 1:D2}"), transformer.FeederId);
            if (t < topology.Transformers.Count - 1)
            {
                Assert.InRange(transformer.ConsumerCount, Options.MinConsumersPerTransformer, Options.MaxConsumersPerTransformer);
            }
        }

        Assert.Null(topology.TransformerMeasuredBy(0));
        Assert.Equal(topology.Transformers.Count, topology.Transformers.Select(t => t.Id).Distinct().Count());
    }

    [Fact]
    public void Validate_LossNoiseAboveTheLoss_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => FleetTopology.Create(10, 1, new TopologyOptions { TechnicalLoss = 0.02, TechnicalLossNoise = 0.03 }));
        Assert.Throws<ArgumentException>(() => FleetTopology.Create(10, 1, new TopologyOptions { MinConsumersPerTransformer = 30, MaxConsumersPerTransformer = 20 }));
    }

    private static double DistanceMetres(double lat1, double lon1, double lat2, double lon2)
    {
        var north = (lat1 - lat2) * 111_320;
        var east = (lon1 - lon2) * 111_320 * Math.Cos(lat2 * Math.PI / 180);
        return Math.Sqrt((north * north) + (east * east));
    }
}
