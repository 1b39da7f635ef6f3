using System.Globalization;
using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.Communication;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.Scheduling;

/// <summary>
/// Periodic reads of meters that do not push. There is no registry flag: a meter is polled when the head-end has
/// not heard from it for twice its expected interval (never heard counts as silent), it has an endpoint some
/// connector can reach, and its keys are Active. Each tick (a <see cref="TimeProvider"/> timer) walks the registry
/// a few pages on from where the last tick stopped and asks <see cref="CommandService"/> for a Read (actor
/// "scheduler"): the configured registers and the load profile from the newest stored interval (at most
/// <see cref="ReadSchedulerOptions.MaxBackfill"/> back) to now. At most <see cref="ReadSchedulerOptions.MaxPerTick"/>
/// per tick, none while <see cref="ReadSchedulerOptions.MaxOutstanding"/> scheduled reads are open, none for a meter
/// with an open read or a scheduled read younger than <see cref="ReadSchedulerOptions.MinReadInterval"/>. Each has an
/// idempotency key per meter and tick, so a tick run twice creates nothing new.
/// </summary>
public sealed class ReadScheduler
{
    private static readonly CommandState[] Open = [CommandState.Requested, CommandState.Sent];

    private readonly IMeterRepository _meters;
    private readonly ICommandStore _commands;
    private readonly IReadingStore _readings;
    private readonly CommandService _service;
    private readonly IReadOnlyList<IMeterConnector> _connectors;
    private readonly TimeProvider _time;
    private readonly ReadSchedulerOptions _options;
    private string? _cursor;
    private long _created;
    private long _errors;

    public ReadScheduler(
        IMeterRepository meters,
        ICommandStore commands,
        IReadingStore readings,
        CommandService service,
        IEnumerable<IMeterConnector> connectors,
        TimeProvider time,
        ReadSchedulerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(commands);
        ArgumentNullException.ThrowIfNull(readings);
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(connectors);
        ArgumentNullException.ThrowIfNull(time);
        _options = options ?? new ReadSchedulerOptions();
        _options.Validate();
        _meters = meters;
        _commands = commands;
        _readings = readings;
        _service = service;
        _connectors = [.. connectors];
        _time = time;
    }

    /// <summary>Reads created since start.</summary>
    public long Created => Interlocked.Read(ref _created);

    /// <summary>Ticks or requests that failed unexpectedly (store unavailable, request refused).</summary>
    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>Ticks now, then every <see cref="ReadSchedulerOptions.TickInterval"/>, until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.TickInterval, _time);
        try
        {
            do
            {
                try
                {
                    await TickAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Interlocked.Increment(ref _errors);
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One pass; returns the reads created.</summary>
    public async Task<int> TickAsync(CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        var open = await _commands.GetByStateAsync(Open, _options.OutstandingScanLimit, cancellationToken).ConfigureAwait(false);
        var scheduled = open.Count(c => c.Kind == CommandKind.Read && c.RequestedBy == _options.Actor);
        var budget = Math.Min(_options.MaxPerTick, _options.MaxOutstanding - scheduled);
        if (budget <= 0)
        {
            return 0;
        }

        var busy = open.Where(c => c.Kind == CommandKind.Read).Select(c => c.Meter).ToHashSet();
        IReadOnlyDictionary<MeterId, DateTimeOffset>? latest = null;
        var created = 0;
        var wrapped = false;
        for (var page = 0; page < _options.MaxPagesPerTick && created < budget; page++)
        {
            var listing = await _meters.ListAsync(new MeterFilter(), _options.PageSize, _cursor, cancellationToken).ConfigureAwait(false);
            var finished = true;
            foreach (var meter in listing.Items)
            {
                if (created >= budget)
                {
                    // The page token is opaque: the next tick looks at this page again (what was created is busy then).
                    finished = false;
                    break;
                }

                if (!IsSilent(meter, now) || !IsPollable(meter) || busy.Contains(meter.Id)
                    || await ReadRecentlyAsync(meter, now, cancellationToken).ConfigureAwait(false))
                {
                    continue;
                }

                latest ??= await _readings.GetLatestIntervalTimesAsync(Quantity.BlockImportEnergy, cancellationToken).ConfigureAwait(false);
                if (await RequestAsync(meter, now, latest, cancellationToken).ConfigureAwait(false))
                {
                    created++;
                }
            }

            if (!finished)
            {
                break;
            }

            if (listing.NextPageToken is null)
            {
                // End of the registry: the next page starts from the first meter again, once per tick.
                _cursor = null;
                if (wrapped)
                {
                    break;
                }

                wrapped = true;
            }
            else
            {
                _cursor = listing.NextPageToken;
            }
        }

        Interlocked.Add(ref _created, created);
        return created;
    }

    private bool IsSilent(Meter meter, DateTimeOffset now) =>
        meter.LastHeardAt is not { } heard || now - heard > 2 * _options.ExpectedInterval;

    private bool IsPollable(Meter meter) =>
        meter.KeyStatus == KeyStatus.Active && meter.Endpoint is { } endpoint && _connectors.Any(c => c.CanReach(endpoint));

    private async Task<bool> ReadRecentlyAsync(Meter meter, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var recent = await _commands.GetForMeterAsync(meter.Id, 8, cancellationToken).ConfigureAwait(false);
        return recent.Any(c => c.Kind == CommandKind.Read && c.RequestedBy == _options.Actor && now - c.RequestedAt < _options.MinReadInterval);
    }

    private async Task<bool> RequestAsync(Meter meter, DateTimeOffset now, IReadOnlyDictionary<MeterId, DateTimeOffset> latest, CancellationToken cancellationToken)
    {
        var from = now - _options.MaxBackfill;
        if (latest.TryGetValue(meter.Id, out var newest) && newest > from)
        {
            from = newest;
        }

        var parameters = from < now ? new ReadParameters(_options.Quantities, from, now) : new ReadParameters(_options.Quantities);
        var key = string.Create(CultureInfo.InvariantCulture, $"scheduled-read/{meter.Id}/{now.UtcTicks}");
        try
        {
            await _service.RequestAsync(new CommandSubmission(meter.Id, parameters, _options.Actor, null, key), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (CommandRejectedException)
        {
            Interlocked.Increment(ref _errors);
            return false;
        }
    }
}
