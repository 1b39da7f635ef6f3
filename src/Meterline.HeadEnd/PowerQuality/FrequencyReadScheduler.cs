using System.Globalization;
using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.Communication;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.PowerQuality;

/// <summary>
/// Scheduled reads of the supply frequency (1.0.14.7.0.255), which the meters measure but never push. Every
/// <see cref="PowerQualityOptions.FrequencyReadPeriod"/> it first has the <see cref="PowerQualityMonitor"/> evaluate
/// the meters whose frequency readings are new (the reads store them directly, not through the ingest feed), then
/// walks the registry on from where the last period stopped and asks <see cref="CommandService"/> for a Read of the
/// frequency register (actor <see cref="PowerQualityOptions.FrequencyReadActor"/>) for each meter with Active keys and
/// an endpoint a connector reaches, skipping meters with a Read still open: at most
/// <see cref="PowerQualityOptions.MaxFrequencyReadsPerPeriod"/> per period, each with an idempotency key per meter and
/// period. The dispatcher sends them; the executor stores the value as a reading.
/// </summary>
public sealed class FrequencyReadScheduler
{
    /// <summary>Registry page size.</summary>
    public const int PageSize = 500;

    /// <summary>Open commands looked at to find meters with a Read still open.</summary>
    public const int OpenScanLimit = 10_000;

    private static readonly CommandState[] Open = [CommandState.Requested, CommandState.Sent];

    private readonly IMeterRepository _meters;
    private readonly ICommandStore _commands;
    private readonly CommandService _service;
    private readonly IReadOnlyList<IMeterConnector> _connectors;
    private readonly PowerQualityMonitor _monitor;
    private readonly PowerQualityOptions _options;
    private readonly TimeSpan _period;
    private readonly TimeProvider _time;
    private string? _cursor;
    private long _requested;
    private long _errors;

    public FrequencyReadScheduler(
        IMeterRepository meters,
        ICommandStore commands,
        CommandService service,
        IEnumerable<IMeterConnector> connectors,
        PowerQualityMonitor monitor,
        PowerQualityOptions options,
        TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(commands);
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(connectors);
        ArgumentNullException.ThrowIfNull(monitor);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _period = options.FrequencyReadPeriod ?? throw new ArgumentException("No frequency read period is configured.", nameof(options));
        _meters = meters;
        _commands = commands;
        _service = service;
        _connectors = [.. connectors];
        _monitor = monitor;
        _options = options;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Called after a period that requested reads (the node wakes the dispatcher).</summary>
    public Action? CommandsCreated { get; init; }

    /// <summary>Frequency reads requested since start.</summary>
    public long Requested => Interlocked.Read(ref _requested);

    /// <summary>Periods or requests that failed unexpectedly.</summary>
    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>A period now, then one every <see cref="PowerQualityOptions.FrequencyReadPeriod"/>, until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_period, _time);
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

    /// <summary>One period: evaluates the new frequency readings, then requests reads; returns the reads requested.</summary>
    public async Task<int> TickAsync(CancellationToken cancellationToken = default)
    {
        await _monitor.EvaluateFrequencyAsync(cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var open = await _commands.GetByStateAsync(Open, OpenScanLimit, cancellationToken).ConfigureAwait(false);
        var busy = open.Where(c => c.Kind == CommandKind.Read).Select(c => c.Meter).ToHashSet();
        var requested = 0;
        while (requested < _options.MaxFrequencyReadsPerPeriod)
        {
            var listing = await _meters.ListAsync(new MeterFilter(), PageSize, _cursor, cancellationToken).ConfigureAwait(false);
            var finished = true;
            foreach (var meter in listing.Items)
            {
                if (requested >= _options.MaxFrequencyReadsPerPeriod)
                {
                    // The page token is opaque: the next period looks at this page again (what was requested is busy then).
                    finished = false;
                    break;
                }

                if (busy.Contains(meter.Id) || !IsPollable(meter))
                {
                    continue;
                }

                if (await RequestAsync(meter, now, cancellationToken).ConfigureAwait(false))
                {
                    requested++;
                }
            }

            if (!finished)
            {
                break;
            }

            // At the end of the registry the next period starts from its first meter again.
            _cursor = listing.NextPageToken;
            if (_cursor is null)
            {
                break;
            }
        }

        Interlocked.Add(ref _requested, requested);
        if (requested > 0)
        {
            CommandsCreated?.Invoke();
        }

        return requested;
    }

    private bool IsPollable(Meter meter) =>
        meter.KeyStatus == KeyStatus.Active && meter.Endpoint is { } endpoint && _connectors.Any(c => c.CanReach(endpoint));

    private async Task<bool> RequestAsync(Meter meter, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var key = string.Create(CultureInfo.InvariantCulture, $"frequency-read/{meter.Id}/{now.UtcTicks}");
        try
        {
            await _service.RequestAsync(new CommandSubmission(meter.Id, new ReadParameters([Readings.Quantity.Frequency]), _options.FrequencyReadActor, null, key), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (CommandRejectedException)
        {
            Interlocked.Increment(ref _errors);
            return false;
        }
    }
}
