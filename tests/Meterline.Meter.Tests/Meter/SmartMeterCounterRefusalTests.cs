using Meterline.Dlms.Security;

namespace Meterline.Meter.Tests.Meter;

/// <summary>What a meter reports when a client reuses an invocation counter.</summary>
public sealed class SmartMeterCounterRefusalTests : IDisposable
{
    private readonly TestMeters _meters = new();

    public void Dispose() => _meters.Dispose();

    [Fact]
    public async Task ClientCounterRefusals_AssociationsWithRisingCounters_StayZero()
    {
        var meter = _meters.Create();
        var (first, firstOutcome) = await MeterConnection.OpenAsync(meter, _meters, "utility", new OutgoingInvocationCounter(100));
        await first.DisposeAsync();
        var (second, secondOutcome) = await MeterConnection.OpenAsync(meter, _meters, "utility", new OutgoingInvocationCounter(1_000));
        await second.DisposeAsync();

        Assert.True(firstOutcome.IsAssociated);
        Assert.True(secondOutcome.IsAssociated);
        Assert.Equal(0, meter.ClientCounterRefusals);
    }

    [Fact]
    public async Task ClientCounterRefusals_AssociationReusingACounter_CountsTheRefusal()
    {
        var meter = _meters.Create();
        var (first, _) = await MeterConnection.OpenAsync(meter, _meters, "utility", new OutgoingInvocationCounter(500));
        await first.DisposeAsync();

        var (second, outcome) = await MeterConnection.OpenAsync(meter, _meters, "utility", new OutgoingInvocationCounter(400));
        await second.DisposeAsync();

        Assert.False(outcome.IsAssociated);
        Assert.Equal(1, meter.ClientCounterRefusals);
    }
}
