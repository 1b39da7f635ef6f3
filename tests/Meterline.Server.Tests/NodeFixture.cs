using Meterline.HeadEnd.Meters;

namespace Meterline.Server.Tests;

/// <summary>One running node shared by the tests of a class; each test registers meters of its own.</summary>
public sealed class NodeFixture : IAsyncLifetime
{
    private int _next;

    internal RunningNode Node { get; private set; } = null!;

    public async Task InitializeAsync() => Node = await RunningNode.StartAsync();

    public async Task DisposeAsync() => await Node.DisposeAsync();

    /// <summary>Registers a meter with fresh keys through the provisioner; by default reached at a closed loopback port.</summary>
    internal async Task<Meterline.HeadEnd.Meters.Meter> AddMeterAsync(string? endpoint = "dlms+tcp://127.0.0.1:9?wport=1")
    {
        var n = Interlocked.Increment(ref _next);
        var registration = new MeterRegistration($"FX{n:D6}", new MeterSystemTitle(0x4D544C00F0000000UL + (ulong)n), "is15959-single-phase",
            Endpoint: endpoint is null ? null : new MeterEndpoint(endpoint));
        var result = await Node.Node.Provisioner.AddAsync(registration, "test");
        return (await Node.Node.Meters.GetAsync(result.Meter!.Value))!;
    }
}
