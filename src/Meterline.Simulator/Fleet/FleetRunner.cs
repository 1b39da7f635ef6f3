using Meterline.Simulator.Hosting;
using Meterline.Simulator.Push;
using Meterline.Simulator.Scenarios;

namespace Meterline.Simulator.Fleet;

/// <summary>
/// Runs a fleet's time: every tick period (real time) each meter is stepped to now — the period is cut into slices
/// that each step their share of the meters, in parallel — and scenarios due by the fleet's simulated time are
/// applied first; the push pump drains the meters on its own period; every meter's registers are saved on the save
/// interval and once more when the run ends. All loops are timer-driven and end on cancellation.
/// </summary>
public sealed class FleetRunner
{
    private readonly IReadOnlyList<SimulatedMeter> _meters;
    private readonly TimeProvider _simulatedTime;
    private readonly ScenarioSchedule _schedule;
    private readonly PushPump? _pump;
    private readonly FleetHostStatistics? _host;
    private readonly FleetRunnerOptions _options;
    private readonly TimeProvider _realTime;
    private readonly Lock _scenarioGate = new();
    private long _ticks;
    private long _saveFailures;

    public FleetRunner(
        IReadOnlyList<SimulatedMeter> meters,
        TimeProvider simulatedTime,
        ScenarioSchedule schedule,
        PushPump? pump,
        FleetHostStatistics? host,
        FleetRunnerOptions? options = null,
        TimeProvider? realTime = null)
    {
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(simulatedTime);
        ArgumentNullException.ThrowIfNull(schedule);
        _meters = meters;
        _simulatedTime = simulatedTime;
        _schedule = schedule;
        _pump = pump;
        _host = host;
        _options = options ?? new FleetRunnerOptions();
        _options.Validate();
        _realTime = realTime ?? TimeProvider.System;
    }

    /// <summary>Complete ticks run (every meter stepped once).</summary>
    public long Ticks => Interlocked.Read(ref _ticks);

    /// <summary>Meter saves that failed (the meter keeps running; its next save tries again).</summary>
    public long SaveFailures => Interlocked.Read(ref _saveFailures);

    /// <summary>Runs until cancelled, then saves every meter.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.WhenAll(TickLoopAsync(cancellationToken), PumpLoopAsync(cancellationToken), SaveLoopAsync(cancellationToken)).ConfigureAwait(false);
        }
        finally
        {
            SaveAll();
        }
    }

    /// <summary>Applies due scenarios and steps every meter to now, once.</summary>
    public void TickOnce()
    {
        ApplyScenarios();
        StepSlice(0, 1);
        Interlocked.Increment(ref _ticks);
    }

    /// <summary>Saves every meter's state now.</summary>
    public void SaveAll()
    {
        foreach (var meter in _meters)
        {
            if (!meter.Meter.SaveState())
            {
                Interlocked.Increment(ref _saveFailures);
            }
        }
    }

    public FleetStatistics Snapshot()
    {
        long entries = 0, events = 0, pending = 0, dropped = 0;
        var unpowered = 0;
        foreach (var simulated in _meters)
        {
            var meter = simulated.Meter;
            entries += meter.BlocksCaptured;

            events += meter.EventsRecorded;
            pending += meter.PendingPushes;
            dropped += meter.PushesDropped;
            unpowered += meter.IsPowered ? 0 : 1;
        }

        return new FleetStatistics(
            _meters.Count,
            _simulatedTime.GetUtcNow(),
            unpowered,
            entries,
            events,
            _pump?.Delivered ?? 0,
            pending,
            dropped,
            _host?.OpenConnections ?? 0,
            _host?.AcceptedConnections ?? 0,
            _host?.ApdusAnswered ?? 0,
            _schedule.ActiveCount,
            Ticks);
    }

    private async Task TickLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.TickPeriod / _options.Slices, _realTime);
        var slice = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                if (slice == 0)
                {
                    ApplyScenarios();
                }

                StepSlice(slice, _options.Slices);
                slice = (slice + 1) % _options.Slices;
                if (slice == 0)
                {
                    Interlocked.Increment(ref _ticks);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task PumpLoopAsync(CancellationToken cancellationToken)
    {
        if (_pump is null)
        {
            return;
        }

        using var timer = new PeriodicTimer(_options.PumpPeriod, _realTime);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                await _pump.PumpOnceAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task SaveLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.SaveInterval, _realTime);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                SaveAll();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private void ApplyScenarios()
    {
        lock (_scenarioGate)
        {
            _schedule.Apply(_simulatedTime.GetUtcNow(), _meters);
        }
    }

    private void StepSlice(int slice, int slices)
    {
        var count = (_meters.Count - slice + slices - 1) / slices;
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = _options.MaxParallelism }, i => _meters[slice + (i * slices)].Meter.AdvanceTo());
    }
}
