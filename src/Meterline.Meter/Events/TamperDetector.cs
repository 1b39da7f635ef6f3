using Meterline.Meter.Metrology;

namespace Meterline.Meter.Events;

/// <summary>
/// Watches the meter's measurements for the conditions of the profile's event table — voltage (7–10), current
/// (51/52 reverse, 67/68 over-current, 69/70 earth loading), power failure (101/102), magnet (201/202), neutral
/// disturbance (203/204) and very low power factor (205/206) — each with occurrence and restoration hysteresis.
/// Earth loading is neutral current exceeding phase current (current returning from elsewhere); neutral disturbance
/// is phase current exceeding neutral current (the load returning through earth, or a missing neutral). Not
/// thread-safe.
/// </summary>
public sealed class TamperDetector
{
    private readonly TamperThresholds _thresholds;
    private readonly EventConditionTracker _powerFailure;
    private readonly EventConditionTracker _overVoltage;
    private readonly EventConditionTracker _lowVoltage;
    private readonly EventConditionTracker _reverse;
    private readonly EventConditionTracker _overCurrent;
    private readonly EventConditionTracker _earthLoading;
    private readonly EventConditionTracker _magnet;
    private readonly EventConditionTracker _neutral;
    private readonly EventConditionTracker _lowPowerFactor;

    public TamperDetector(TamperThresholds? thresholds = null)
    {
        _thresholds = thresholds ?? new TamperThresholds();
        var occur = _thresholds.OccurrenceTime;
        var restore = _thresholds.RestorationTime;
        _powerFailure = new EventConditionTracker(101, 102, TimeSpan.Zero, TimeSpan.Zero);
        _overVoltage = new EventConditionTracker(7, 8, occur, restore);
        _lowVoltage = new EventConditionTracker(9, 10, occur, restore);
        _reverse = new EventConditionTracker(51, 52, occur, restore);
        _overCurrent = new EventConditionTracker(67, 68, occur, restore);
        _earthLoading = new EventConditionTracker(69, 70, occur, restore);
        _magnet = new EventConditionTracker(201, 202, occur, restore);
        _neutral = new EventConditionTracker(203, 204, occur, restore);
        _lowPowerFactor = new EventConditionTracker(205, 206, occur, restore);
    }

    /// <summary>True while a power failure is in progress (occurred, not yet restored).</summary>
    public bool IsPowerFailed => _powerFailure.IsActive;

    /// <summary>True while a tamper condition (magnet, neutral disturbance, reverse current, earth loading) is active.</summary>
    public bool IsTamperActive => _magnet.IsActive || _neutral.IsActive || _reverse.IsActive || _earthLoading.IsActive;

    /// <summary>Feeds one sample taken at meter time <paramref name="now"/> and adds the events now due to <paramref name="events"/>.</summary>
    public void Update(in MetrologySample sample, DateTimeOffset now, List<ushort> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var t = _thresholds;
        var powered = sample.Voltage >= t.PowerFailVoltage;
        Add(events, _powerFailure.Update(!powered, now));
        if (!powered)
        {
            // Without supply only the power failure is judged; the other conditions keep their state.
            return;
        }

        Add(events, _overVoltage.Update(sample.Voltage > t.OverVoltage, now));
        Add(events, _lowVoltage.Update(sample.Voltage < t.LowVoltage, now));
        Add(events, _reverse.Update(sample.ActivePower < -t.ReversePower, now));
        Add(events, _overCurrent.Update(sample.PhaseCurrent > t.OverCurrent, now));
        var larger = Math.Max(sample.PhaseCurrent, sample.NeutralCurrent);
        var difference = sample.PhaseCurrent - sample.NeutralCurrent;
        var mismatch = Math.Abs(difference) > Math.Max(t.MinimumCurrentDifference, t.CurrentMismatchRatio * larger);
        Add(events, _neutral.Update(mismatch && difference > 0, now));
        Add(events, _earthLoading.Update(mismatch && difference < 0, now));
        Add(events, _magnet.Update(sample.MagneticFieldDetected, now));
        var judged = sample.PhaseCurrent >= t.PowerFactorMinimumCurrent;
        Add(events, _lowPowerFactor.Update(judged && Math.Abs(sample.PowerFactor) < t.VeryLowPowerFactor, now));
    }

    private static void Add(List<ushort> events, ushort? code)
    {
        if (code is { } c)
        {
            events.Add(c);
        }
    }
}
