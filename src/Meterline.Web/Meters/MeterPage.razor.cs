using Meterline.HeadEnd.Analytics;
using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;
using Meterline.Web.Live;
using Meterline.Web.Shell;
using Microsoft.AspNetCore.Components;

namespace Meterline.Web.Meters;

/// <summary>
/// One meter: its state and registration (read again every refresh), the block energy of its last day of data as a
/// chart that grows as readings are committed, the latest value of each quantity, energy per day, its events, and
/// the command panel, with command progress from the live feed.
/// </summary>
public sealed partial class MeterPage
{
    /// <summary>Most points the chart keeps (two days of 15-minute intervals and then some).</summary>
    public const int MaxChartPoints = 500;

    /// <summary>Most command state changes the page keeps for its meter.</summary>
    public const int MaxChanges = 100;

    private static readonly TimeSpan ChartSpan = TimeSpan.FromDays(1);
    private static readonly TimeSpan DailySpan = TimeSpan.FromDays(7);

    private readonly List<ChartPoint> _chart = [];
    private readonly Dictionary<Quantity, IntervalReading> _latest = [];
    private readonly List<CommandStateChange> _changes = [];
    private IReadOnlyList<KeyValuePair<DateOnly, double>> _days = [];
    private IReadOnlyList<MeterEvent> _events = [];
    private Meter? _meter;
    private MeterCondition _condition;
    private bool _notFound;
    private bool _historyLoaded;
    private long _liveReadings;
    private LiveSubscription<IngestedRecord>? _records;
    private LiveSubscription<CommandStateChange>? _commands;
    private Task? _live;

    [Parameter]
    public string Serial { get; set; } = string.Empty;

    [Inject]
    private IMeterRepository Meters { get; set; } = default!;

    [Inject]
    private IReadingStore Readings { get; set; } = default!;

    [Inject]
    private AlertService Alerts { get; set; } = default!;

    [Inject]
    private LiveFeeds Feeds { get; set; } = default!;

    [Inject]
    private UtilityClock Clock { get; set; } = default!;

    protected override async Task RefreshAsync(CancellationToken cancellationToken)
    {
        _meter = await Meters.FindBySerialAsync(Serial, cancellationToken);
        _notFound = _meter is null;
        if (_meter is not { } meter)
        {
            return;
        }

        var open = await Alerts.Store.ListAsync(new AlertFilter(AlertState.Open, meter.Id), null, 1, cancellationToken);
        _condition = MeterConditions.Of(meter, open.Count > 0);
        var now = Clock.Now;
        _events = await Readings.GetEventsAsync(meter.Id, now - ReadingQuery.MaxSpan, now + TimeSpan.FromDays(1), 20, cancellationToken);
        if (!_historyLoaded)
        {
            await LoadHistoryAsync(meter, cancellationToken);
            _historyLoaded = true;
        }
    }

    protected override Task StartLiveAsync()
    {
        _records = Feeds.Records.TrySubscribe();
        _commands = Feeds.Commands.TrySubscribe();
        _live = Task.WhenAll(FollowRecordsAsync(), FollowCommandsAsync());
        return Task.CompletedTask;
    }

    protected override async ValueTask DisposeLiveAsync()
    {
        _records?.Dispose();
        _commands?.Dispose();
        if (_live is not null)
        {
            await _live;
        }
    }

    /// <summary>The chart and the days from the store, ending at the meter's latest interval (its clock may not be ours).</summary>
    private async Task LoadHistoryAsync(Meter meter, CancellationToken cancellationToken)
    {
        var latest = await Readings.GetLatestIntervalTimesAsync(Quantity.BlockImportEnergy, cancellationToken);
        if (!latest.TryGetValue(meter.Id, out var end))
        {
            return;
        }

        var to = end.AddTicks(1);
        var day = await Readings.QueryAsync(new ReadingQuery(meter.Id, to - DailySpan, to, [Quantity.BlockImportEnergy], ReadingQuery.MaxPageSize), cancellationToken);
        _days = [.. day.Items.GroupBy(r => Clock.LocalDate(r.Time)).OrderBy(g => g.Key).Select(g => KeyValuePair.Create(g.Key, g.Sum(r => r.Value)))];
        _chart.Clear();
        _chart.AddRange(day.Items.Where(r => r.Time > to - ChartSpan).Select(r => new ChartPoint(r.Time, r.Value)).TakeLast(MaxChartPoints));
    }

    private async Task FollowRecordsAsync()
    {
        if (_records is null)
        {
            return;
        }

        try
        {
            await foreach (var record in _records.Reader.ReadAllAsync(Stopping))
            {
                if (record is IngestedReading { Reading: var reading } && _meter is { } meter && reading.Meter == meter.Id)
                {
                    await InvokeAsync(() =>
                    {
                        Add(reading);
                        StateHasChanged();
                    });
                }
            }
        }
        catch (OperationCanceledException) when (Stopping.IsCancellationRequested)
        {
            // The page went away.
        }
    }

    private async Task FollowCommandsAsync()
    {
        if (_commands is null)
        {
            return;
        }

        try
        {
            await FollowCommandChangesAsync(_commands);
        }
        catch (OperationCanceledException) when (Stopping.IsCancellationRequested)
        {
            // The page went away.
        }
    }

    private async Task FollowCommandChangesAsync(LiveSubscription<CommandStateChange> commands)
    {
        await foreach (var change in commands.Reader.ReadAllAsync(Stopping))
        {
            if (_meter is { } meter && change.Meter == meter.Id)
            {
                await InvokeAsync(async () =>
                {
                    _changes.Add(change);
                    if (_changes.Count > MaxChanges)
                    {
                        _changes.RemoveAt(0);
                    }

                    if (change.State is not CommandState.Sent)
                    {
                        await RefreshAsync(Stopping);
                    }

                    StateHasChanged();
                });
            }
        }
    }

    private void Add(IntervalReading reading)
    {
        _liveReadings++;
        if (!_latest.TryGetValue(reading.Quantity, out var known) || known.Time <= reading.Time)
        {
            _latest[reading.Quantity] = reading;
        }

        if (reading.Quantity == Quantity.BlockImportEnergy && (_chart.Count == 0 || _chart[^1].Time < reading.Time))
        {
            _chart.Add(new ChartPoint(reading.Time, reading.Value));
            if (_chart.Count > MaxChartPoints)
            {
                _chart.RemoveAt(0);
            }
        }
    }
}
