using Meterline.HeadEnd.Dlms.Commands;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Dlms.Tests.Commands;

public sealed class MeterSessionGateTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task EnterAsync_SameMeter_WaitsUntilTheFirstTurnIsGivenBack()
    {
        var gate = new MeterSessionGate();
        var first = await gate.EnterAsync(new MeterId(1), CancellationToken.None).WaitAsync(Bound);

        var second = gate.EnterAsync(new MeterId(1), CancellationToken.None);

        Assert.False(second.IsCompleted);
        first.Dispose();
        (await second.WaitAsync(Bound)).Dispose();
        Assert.Equal(0, gate.Count);
    }

    [Fact]
    public async Task EnterAsync_OtherMeters_DoNotWait()
    {
        var gate = new MeterSessionGate();
        using var first = await gate.EnterAsync(new MeterId(1), CancellationToken.None).WaitAsync(Bound);

        using var other = await gate.EnterAsync(new MeterId(2), CancellationToken.None).WaitAsync(Bound);

        Assert.Equal(2, gate.Count);
    }

    [Fact]
    public async Task EnterAsync_CancelledWaiter_LeavesNothingBehind()
    {
        var gate = new MeterSessionGate();
        var first = await gate.EnterAsync(new MeterId(1), CancellationToken.None).WaitAsync(Bound);
        using var cancel = new CancellationTokenSource();
        var waiting = gate.EnterAsync(new MeterId(1), cancel.Token);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(Bound));
        first.Dispose();
        first.Dispose();

        Assert.Equal(0, gate.Count);
        (await gate.EnterAsync(new MeterId(1), CancellationToken.None).WaitAsync(Bound)).Dispose();
    }
}
