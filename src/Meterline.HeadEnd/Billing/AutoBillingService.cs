using Meterline.HeadEnd.Meters;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Meterline.HeadEnd.Billing;

/// <summary>
/// Issues the month's bills of every billed meter at the billing date: a month is due when it has ended in its
/// tariff's time zone and <see cref="AutoBillingOptions.Delay"/> has passed (for late data). Each run (now, then every
/// <see cref="AutoBillingOptions.TickInterval"/> of a <see cref="TimeProvider"/> timer) walks the registry in pages and,
/// for each meter with a tariff, issues every due month of the last <see cref="AutoBillingOptions.CatchUpMonths"/>
/// that has no bill yet, oldest first (so a carried-forward surplus reaches the next month), through
/// <see cref="BillingService.IssueAsync"/> — audited per bill, never re-issued. A month whose run finished is not
/// looked at again by this process; after a restart the window is walked again and what was issued is skipped.
/// Each run with due months logs a summary.
/// </summary>
public sealed partial class AutoBillingService
{
    private readonly BillingService _billing;
    private readonly IMeterRepository _meters;
    private readonly IBillStore _bills;
    private readonly TimeProvider _time;
    private readonly AutoBillingOptions _options;
    private readonly ILogger _logger;
    private readonly Dictionary<string, BillingMonth> _completed = new(StringComparer.Ordinal);
    private long _issued;
    private long _errors;

    public AutoBillingService(BillingService billing, IMeterRepository meters, IBillStore bills, TimeProvider time, AutoBillingOptions? options = null, ILogger<AutoBillingService>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(billing);
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(bills);
        ArgumentNullException.ThrowIfNull(time);
        _options = options ?? new AutoBillingOptions();
        _options.Validate();
        _billing = billing;
        _meters = meters;
        _bills = bills;
        _time = time;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>Bills issued since start.</summary>
    public long Issued => Interlocked.Read(ref _issued);

    /// <summary>Runs that failed unexpectedly (the store unavailable).</summary>
    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>The last run's summary (<see cref="AutoBillingRun.Nothing"/> before the first).</summary>
    public AutoBillingRun LastRun { get; private set; } = AutoBillingRun.Nothing;

    /// <summary>Runs now, then every <see cref="AutoBillingOptions.TickInterval"/>, until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.TickInterval, _time);
        try
        {
            do
            {
                try
                {
                    await RunOnceAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Interlocked.Increment(ref _errors);
                    LogRunFailed(e);
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>The latest month of <paramref name="tariff"/> due at <paramref name="now"/>: ended in its time zone at least <paramref name="delay"/> ago.</summary>
    public static BillingMonth DueMonth(Tariff tariff, DateTimeOffset now, TimeSpan delay)
    {
        ArgumentNullException.ThrowIfNull(tariff);
        var local = TimeZoneInfo.ConvertTime(now, tariff.TimeZone);
        var month = new BillingMonth(local.Year, local.Month);
        while (month.Bounds(tariff.TimeZone).End + delay > now)
        {
            month = month.Previous;
        }

        return month;
    }

    /// <summary>One run over every meter; returns what it did.</summary>
    public async Task<AutoBillingRun> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        var pending = new Dictionary<string, BillingMonth[]>(StringComparer.Ordinal);
        var due = new Dictionary<string, BillingMonth>(StringComparer.Ordinal);
        foreach (var tariff in _billing.Tariffs.Tariffs)
        {
            var latest = DueMonth(tariff, now, _options.Delay);
            due[tariff.Id] = latest;
            var months = new List<BillingMonth>();
            for (var (month, i) = (latest, 0); i < _options.CatchUpMonths; (month, i) = (month.Previous, i + 1))
            {
                if ((_completed.TryGetValue(tariff.Id, out var done) && month <= done) || tariff.VersionFor(month) is null)
                {
                    break;
                }

                months.Insert(0, month);
            }

            if (months.Count > 0)
            {
                pending[tariff.Id] = [.. months];
            }
        }

        if (pending.Count == 0)
        {
            return LastRun = AutoBillingRun.Nothing;
        }

        int issued = 0, estimated = 0, existing = 0, noData = 0, integrity = 0, notBilled = 0, failed = 0;
        var stopped = false;
        string? token = null;
        do
        {
            var page = await _meters.ListAsync(new MeterFilter(), _options.PageSize, token, cancellationToken).ConfigureAwait(false);
            token = page.NextPageToken;
            foreach (var meter in page.Items)
            {
                if (!_billing.Tariffs.TryResolve(meter, out var tariff, out _) || !pending.TryGetValue(tariff.Id, out var meterMonths))
                {
                    continue;
                }

                foreach (var month in meterMonths)
                {
                    if (issued >= _options.MaxBillsPerRun)
                    {
                        stopped = true;
                        break;
                    }

                    try
                    {
                        if (await _bills.GetLatestAsync(meter.Id, month, cancellationToken).ConfigureAwait(false) is not null)
                        {
                            existing++;
                            continue;
                        }

                        var result = await _billing.IssueAsync(meter.Id, month, reissue: false, _options.Actor, cancellationToken).ConfigureAwait(false);
                        switch (result.Outcome)
                        {
                            case BillIssueOutcome.Issued:
                                issued++;
                                estimated += result.Bill!.Estimated ? 1 : 0;
                                Interlocked.Increment(ref _issued);
                                break;
                            case BillIssueOutcome.AlreadyIssued:
                                existing++;
                                break;
                            case BillIssueOutcome.NoData:
                                noData++;
                                break;
                            case BillIssueOutcome.IntegrityError:
                                integrity++;
                                break;
                            default:
                                notBilled++;
                                break;
                        }
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        failed++;
                        LogMeterFailed(meter.Serial, month.ToString(), e);
                    }
                }

                if (stopped)
                {
                    break;
                }
            }
        }
        while (token is not null && !stopped);

        var complete = !stopped && failed == 0;
        if (complete)
        {
            foreach (var tariffId in pending.Keys)
            {
                _completed[tariffId] = due[tariffId];
            }
        }

        var dueMonths = pending.Values.SelectMany(m => m).Distinct().Order().ToList();
        LogRun(string.Join(", ", dueMonths), issued, estimated, existing, noData, integrity, notBilled, failed, complete);
        return LastRun = new AutoBillingRun(dueMonths, issued, estimated, existing, noData, integrity, notBilled, failed, complete);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Automatic billing of {Months}: {Issued} bills issued ({Estimated} estimated), {AlreadyIssued} already issued, {NoData} without data, {IntegrityErrors} integrity errors, {NotBilled} not billed, {Failed} failed; complete: {Complete}")]
    private partial void LogRun(string months, int issued, int estimated, int alreadyIssued, int noData, int integrityErrors, int notBilled, int failed, bool complete);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Automatic billing of meter {Serial} for {Month} failed; the next run retries it")]
    private partial void LogMeterFailed(string serial, string month, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "An automatic billing run failed; the next run retries")]
    private partial void LogRunFailed(Exception exception);
}
