namespace Meterline.Simulator.Time;

/// <summary>A system timer whose due time and period, given in simulated time, are scaled to real time.</summary>
internal sealed class AcceleratedTimer(ITimer inner, AcceleratedTimeProvider provider) : ITimer
{
    public bool Change(TimeSpan dueTime, TimeSpan period) =>
        inner.Change(provider.Scale(dueTime, isPeriod: false), provider.Scale(period, isPeriod: true));

    public void Dispose() => inner.Dispose();

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
