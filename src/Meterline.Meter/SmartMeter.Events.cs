using Meterline.Dlms.Security;

namespace Meterline.Meter;

/// <summary>The meter's event recording: event logs, event code registers, counters and alerts.</summary>
public sealed partial class SmartMeter
{
    internal const ushort PowerFailureEvent = 101;
    internal const ushort RealTimeClockSetEvent = 151;
    internal const ushort LlsSecretChangedEvent = 161;
    internal const ushort MaximumDemandResetEvent = 166;
    internal const ushort CoverOpenEvent = 251;
    private const string TamperCountRegister = "tamper-count";
    private const string PowerFailuresRegister = "power-failures";
    private const string BillingPeriodsRegister = "billing-periods";
    private const byte TamperGroup = 4;
    private const byte NonRolloverGroup = 5;

    /// <summary>Events recorded since the meter started, by code.</summary>
    public IReadOnlyDictionary<ushort, int> EventCounts
    {
        get
        {
            lock (Sync)
            {
                return new Dictionary<ushort, int>(_eventCounts);
            }
        }
    }

    /// <summary>At most one replay event per this much meter time: a flood of replays must not flood the event log and the alert queue.</summary>
    private static readonly TimeSpan ReplayEventInterval = TimeSpan.FromMinutes(1);

    private readonly Dictionary<ushort, int> _eventCounts = [];
    private long _eventsRecorded;
    private long _replaysRefused;
    private DateTimeOffset? _lastReplayEvent;

    /// <summary>Secured requests refused because their invocation counter was not fresh (replayed or stale), since the meter started.</summary>
    public long ReplaysRefused
    {
        get
        {
            lock (Sync)
            {
                return _replaysRefused;
            }
        }
    }

    /// <summary>Events recorded since the meter started, all codes together.</summary>
    public long EventsRecorded
    {
        get
        {
            lock (Sync)
            {
                return _eventsRecorded;
            }
        }
    }

    /// <summary>
    /// A client's secured request was refused for a stale invocation counter (a replay): counted, and logged as event
    /// <see cref="Security.SecurityEventCodes.InvocationCounterRefused"/> — with the alert push that carries it to the
    /// head-end — at most once per <see cref="ReplayEventInterval"/>, when the profile's event table has the code.
    /// </summary>
    private void OnCounterRefused(object? sender, InvocationCounterRefusedEventArgs e)
    {
        lock (Sync)
        {
            AdvanceLocked();
            _replaysRefused++;
            var now = Clock.TrueNow;
            if (Profile.FindEvent(Security.SecurityEventCodes.InvocationCounterRefused) is null
                || (_lastReplayEvent is { } last && now - last < ReplayEventInterval))
            {
                return;
            }

            _lastReplayEvent = now;
            RecordLocked(Security.SecurityEventCodes.InvocationCounterRefused, protectAlertNow: false);
        }
    }

    /// <summary>
    /// Logs an event of the profile's table with the instantaneous values, updates the event code registers and
    /// counters, and queues an alert push. <paramref name="protectAlertNow"/> ciphers the alert at once (a last gasp
    /// before power goes, the cover-open alarm before the keys go).
    /// </summary>
    private void RecordLocked(ushort code, bool protectAlertNow)
    {
        lock (Sync)
        {
            var definition = Profile.FindEvent(code)
                ?? throw new InvalidOperationException($"Event code {code} is not in the event table of profile {Profile.Id}");
            var group = definition.Group;
            var occurrence = !definition.Name.Contains("restoration", StringComparison.OrdinalIgnoreCase);
            if (occurrence && group is TamperGroup or NonRolloverGroup)
            {
                _tamperCount++;
            }

            if (code == PowerFailureEvent)
            {
                _powerFailures++;
            }

            _lastEventCode[group] = code;
            _lastEvent = code;
            _eventCounts[code] = _eventCounts.GetValueOrDefault(code) + 1;
            _eventsRecorded++;
            AppendEvent(group, code);
            EnqueueAlertPush(protectAlertNow);
        }
    }
}
