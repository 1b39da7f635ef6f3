using Meterline.Dlms.Associations;
using Meterline.Meter;
using Meterline.Meter.Metrology;
using Meterline.Meter.Push;
using Meterline.Simulator.Hosting;
using Meterline.Simulator.Push;
using Meterline.Simulator.Scenarios;

namespace Meterline.Simulator.Fleet;

/// <summary>
/// A <see cref="SmartMeter"/> in the fleet: served by the host, drained by the push pump, driven by scenarios.
/// Scenario controls map onto the meter's conditions: magnet, missing neutral (the neutral disturbance), reverse
/// current, outage, voltage factor (a sag below 1, an over-voltage above) and supply frequency change <see cref="MetrologyConditions"/>;
/// cover-open opens the terminal cover (a non-rollover event: the cover is not closed again at the scenario's end);
/// drift sets the clock's drift; silence cuts the meter's communication while it stays powered and keeps metering (it
/// answers nothing and pushes nothing, records no power event; what it would have pushed waits in its bounded push
/// queue and is sent when it is heard again).
/// </summary>
public sealed class SimulatedMeter : IHostedMeter, IPushSource, IScenarioTarget
{
    private readonly Lock _conditions = new();
    private bool _outage;
    private volatile bool _silent;
    private double _voltageFactor = 1;

    public SimulatedMeter(SmartMeter meter, int index)
    {
        ArgumentNullException.ThrowIfNull(meter);
        Meter = meter;
        Index = index;
    }

    public SmartMeter Meter { get; }

    /// <summary>The meter's place in the fleet, from 0.</summary>
    public int Index { get; }

    public string Id => Meter.Id;

    public int PhysicalAddress => Meter.Identity.PhysicalAddress;

    /// <summary>Powered and not silenced.</summary>
    public bool Answers => Meter.IsPowered && !_silent;

    /// <summary>True while a silence scenario holds the meter's communication down.</summary>
    public bool IsSilent => _silent;

    public ServerAssociation? CreateAssociation(int clientSap) => Meter.CreateAssociation(clientSap);

    public bool TryTakePush(out PushMessage message)
    {
        if (_silent)
        {
            message = null!;
            return false;
        }

        return Meter.TryTakePush(out message);
    }

    public void CompletePush(long sequence, bool delivered) => Meter.CompletePush(sequence, delivered);

    public void SetMagnet(bool present) => Change(c => c with { Magnet = present });

    public void SetNeutralDisturbance(bool present) => Change(c => c with { MissingNeutral = present });

    public void SetReverseCurrent(bool present) => Change(c => c with { ReverseCurrent = present });

    public void SetOutage(bool present)
    {
        lock (_conditions)
        {
            _outage = present;
            Change(c => c with { Grid = Grid() });
        }
    }

    public void SetSilent(bool silent) => _silent = silent;

    public void SetVoltageFactor(double factor)
    {
        if (!(factor > 0 && factor <= 2))
        {
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "A voltage factor is more than 0 and at most 2");
        }

        lock (_conditions)
        {
            _voltageFactor = factor;
            Change(c => c with { Grid = Grid() });
        }
    }

    public void SetCoverOpen(bool open)
    {
        if (open)
        {
            Meter.OpenCover();
        }
    }

    public void SetSupplyFrequency(double? hertz) => Change(c => c with { SupplyFrequency = hertz });

    public void SetLoadBypass(double share) => Change(c => c with { LoadBypassShare = share });

    public void SetClockDrift(double ppm) => Meter.SetClockDrift(ppm);

    private GridCondition Grid() => _outage ? GridCondition.Outage
        : _voltageFactor < 1 ? GridCondition.VoltageSag(_voltageFactor)
        : _voltageFactor > 1 ? GridCondition.OverVoltage(_voltageFactor)
        : GridCondition.Normal;

    private void Change(Func<MetrologyConditions, MetrologyConditions> change)
    {
        lock (_conditions)
        {
            Meter.SetConditions(change(Meter.Conditions));
        }
    }

    public override string ToString() => $"{Id} (meter {Index})";
}
