using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.Analytics.Rules;

/// <summary>
/// What a rule sees of one meter: its readings and events over a span, sorted by time (the instantaneous values the
/// meter captured with an event — voltage, phase and neutral current, power factor — join the readings), the time of evaluation, and —
/// when the window was built from the live feed — the interval times in the order they were committed (the only place a
/// clock that went backwards shows: the store keeps intervals sorted by time).
/// </summary>
public sealed class MeterWindow
{
    private static readonly Quantity[] InstantaneousQuantities = [Quantity.Voltage, Quantity.PhaseCurrent, Quantity.NeutralCurrent, Quantity.PowerFactor];

    private readonly Dictionary<Quantity, List<SeriesPoint>> _series = [];

    public MeterWindow(MeterId meter, DateTimeOffset evaluatedAt, IEnumerable<IntervalReading> readings, IEnumerable<MeterEvent> events, IReadOnlyList<DateTimeOffset>? arrivalOrder = null, bool isNetMetered = false)
    {
        ArgumentNullException.ThrowIfNull(readings);
        ArgumentNullException.ThrowIfNull(events);
        Meter = meter;
        EvaluatedAt = evaluatedAt;
        IsNetMetered = isNetMetered;
        ArrivalOrder = arrivalOrder ?? [];
        foreach (var reading in readings)
        {
            if (reading.Meter != meter)
            {
                throw new ArgumentException("A window holds the readings of its own meter only.", nameof(readings));
            }

            if (!_series.TryGetValue(reading.Quantity, out var list))
            {
                _series[reading.Quantity] = list = [];
            }

            list.Add(new SeriesPoint(reading.Time, reading.Value));
        }

        var sorted = events.Where(e => e.Meter == meter).ToList();

        // The instantaneous values a meter captured with its events count as readings of that time (unless a reading exists).
        foreach (var meterEvent in sorted)
        {
            foreach (var value in meterEvent.Values)
            {
                if (!InstantaneousQuantities.Contains(value.Quantity))
                {
                    continue;
                }

                if (!_series.TryGetValue(value.Quantity, out var list))
                {
                    _series[value.Quantity] = list = [];
                }

                if (!list.Exists(p => p.Time == meterEvent.OccurredAt))
                {
                    list.Add(new SeriesPoint(meterEvent.OccurredAt, value.Value));
                }
            }
        }

        foreach (var list in _series.Values)
        {
            list.Sort(static (a, b) => a.Time.CompareTo(b.Time));
        }

        sorted.Sort(static (a, b) => a.OccurredAt != b.OccurredAt ? a.OccurredAt.CompareTo(b.OccurredAt) : a.Code.CompareTo(b.Code));
        Events = sorted;
    }

    public MeterId Meter { get; }

    public DateTimeOffset EvaluatedAt { get; }

    /// <summary>True when the meter may export (net metering), so that export energy is no finding.</summary>
    public bool IsNetMetered { get; }

    public IReadOnlyList<MeterEvent> Events { get; }

    /// <summary>Interval times in commit order (empty when the window was read back from the store).</summary>
    public IReadOnlyList<DateTimeOffset> ArrivalOrder { get; }

    /// <summary>The values of one quantity, ascending by time (empty when there are none).</summary>
    public IReadOnlyList<SeriesPoint> Series(Quantity quantity) => _series.TryGetValue(quantity, out var list) ? list : [];

    /// <summary>The quantities the window has values of.</summary>
    public IEnumerable<Quantity> Quantities => _series.Keys;

    /// <summary>The value of a quantity at an interval time, if the window has it.</summary>
    public bool TryGet(Quantity quantity, DateTimeOffset time, out double value)
    {
        value = 0;
        if (!_series.TryGetValue(quantity, out var list))
        {
            return false;
        }

        var index = list.BinarySearch(new SeriesPoint(time, 0), SeriesTimeComparer.Instance);
        if (index < 0)
        {
            return false;
        }

        value = list[index].Value;
        return true;
    }
}
