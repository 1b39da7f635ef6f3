using System.Text.Json;
using Meterline.Simulator.Fleet;
using Meterline.Simulator.Hosting;
using Meterline.Simulator.Provisioning;
using Meterline.Simulator.Tests.Support;
using Meterline.Simulator.Theft;
using Meterline.Simulator.Topology;

namespace Meterline.Simulator.Tests.Theft;

/// <summary>A fleet with a topology and thefts: what it writes for the head-end, and what it keeps apart.</summary>
public sealed class TheftFleetTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly string _directory = Directory.CreateTempSubdirectory("meterline-theft-fleet-").FullName;

    private FleetSimulatorOptions Options() => new()
    {
        Meters = 30,
        Speed = 1000,
        Start = FleetFixture.Start,
        ProfilePath = FleetFixture.ProfilePath,
        ProvisioningPath = Path.Combine(_directory, "fleet.json"),
        StateDirectory = Path.Combine(_directory, "state"),
        Hosting = new FleetHostOptions { Port = 0 },
        Topology = new TopologyOptions { MinConsumersPerTransformer = 10, MaxConsumersPerTransformer = 12 },
        Thefts = new TheftOptions { Share = 0.1 },
        TheftSeed = 4,
        RunLength = TimeSpan.FromDays(2),
        TruthPath = Path.Combine(_directory, "truth.json"),
    };

    [Fact]
    public async Task StartAsync_WithTopologyAndThefts_WritesSitesAndTransformerMetersButNoTruthIntoTheProvisioningFile()
    {
        await using var fleet = await FleetSimulator.StartAsync(Options()).WaitAsync(Bound);
        var topology = fleet.Topology!;

        Assert.Equal(30 + topology.Transformers.Count, fleet.Meters.Count);
        var file = FleetProvisioningFile.Read(fleet.ProvisioningPath);
        for (var i = 0; i < 30; i++)
        {
            var site = file.Meters[i].Site!;
            Assert.Equal((topology.Consumers[i].ConsumerId, topology.Consumers[i].TransformerId, (string?)null), (site.ConsumerId, site.TransformerId, site.TransformerMeter));
            Assert.NotNull(site.Latitude);
        }

        foreach (var transformer in topology.Transformers)
        {
            var site = file.Meters[transformer.MeterIndex].Site!;
            Assert.Equal((transformer.Id, transformer.FeederId, (string?)null, (string?)null), (site.TransformerMeter, site.FeederId, site.TransformerId, site.ConsumerId));
        }

        var truth = TheftTruthFile.Read(Path.Combine(_directory, "truth.json"));
        Assert.Equal(3, truth.Thefts.Count);
        Assert.Equal(fleet.Thefts!.Cases, truth.Thefts);
        Assert.All(truth.Thefts, t => Assert.InRange(t.Index, 0, 29));
        var text = await File.ReadAllTextAsync(fleet.ProvisioningPath);
        Assert.DoesNotContain("bypass", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("theft", text, StringComparison.OrdinalIgnoreCase);
        using var json = JsonDocument.Parse(text);
        Assert.All(json.RootElement.GetProperty("meters").EnumerateArray(), m => Assert.False(m.TryGetProperty("pattern", out _)));
    }

    [Fact]
    public async Task RunAsync_AnHour_TheTransformerMeterRegistersItsConsumersTrueEnergyPlusLoss()
    {
        var options = Options() with { Thefts = new TheftOptions { Share = 0.5, EarliestStart = 0, LatestStart = 0, SpanProbability = 0 }, Speed = 600 };
        await using var fleet = await FleetSimulator.StartAsync(options).WaitAsync(Bound);
        using var stop = new CancellationTokenSource();
        var running = fleet.RunAsync(stop.Token);
        while (fleet.Time.GetUtcNow() < FleetFixture.Start.AddHours(1))
        {
            await Task.Delay(50).WaitAsync(Bound);
        }

        await stop.CancelAsync();
        await running.WaitAsync(Bound);
        var transformer = fleet.Topology!.Transformers[0];
        foreach (var meter in fleet.Meters)
        {
            meter.Meter.AdvanceTo();
        }

        var registered = Enumerable.Range(transformer.FirstConsumer, transformer.ConsumerCount).Sum(i => fleet.Meters[i].Meter.Registers.ImportWhExact);
        var total = fleet.Meters[transformer.MeterIndex].Meter.Registers.ImportWhExact;

        // Half the consumers steal from the start: their meters register less than the transformer hands out.
        Assert.True(total > registered * 1.04, $"transformer {total} Wh, consumers' meters {registered} Wh");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
