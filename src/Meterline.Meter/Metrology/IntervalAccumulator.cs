namespace Meterline.Meter.Metrology;

/// <summary>
/// Accumulates one capture period of a load profile: time-weighted averages of voltage and current from the samples,
/// and block energies as the difference of the cumulative whole-Wh registers at the period's boundaries, so the
/// block energies of consecutive intervals add up to the change of the cumulative registers exactly. The meter adds
/// each step's sample and closes the interval at each capture (block load profile every 15 or 30 minutes, daily
/// profile at midnight: one accumulator each). Not thread-safe.
/// </summary>
public sealed class IntervalAccumulator
{
    private readonly EnergyRegisters _registers;
    private ulong _importAtStart;
    private ulong _exportAtStart;
    private ulong _apparentAtStart;
    private long _ticks;
    private long _poweredTicks;
    private double _voltSeconds;
    private double _ampereSeconds;

    /// <param name="registers">The engine's registers; the first interval starts at their present values.</param>
    /// <exception cref="ArgumentNullException"><paramref name="registers"/> is null.</exception>
    public IntervalAccumulator(EnergyRegisters registers)
    {
        ArgumentNullException.ThrowIfNull(registers);
        _registers = registers;
        Restart();
    }

    /// <summary>The time added to the open interval.</summary>
    public TimeSpan Duration => TimeSpan.FromTicks(_ticks);

    /// <summary>Adds a step: <paramref name="sample"/> held for <paramref name="dt"/>. A step with dt ≤ 0 is ignored.</summary>
    public void Add(in MetrologySample sample, TimeSpan dt)
    {
        if (dt <= TimeSpan.Zero)
        {
            return;
        }

        _ticks += dt.Ticks;
        if (sample.Voltage > 0)
        {
            _poweredTicks += dt.Ticks;
            _voltSeconds += sample.Voltage * dt.TotalSeconds;
            _ampereSeconds += sample.PhaseCurrent * dt.TotalSeconds;
        }
    }

    /// <summary>Closes the open interval at meter time <paramref name="captureTime"/> and starts the next.</summary>
    public IntervalSummary Close(DateTimeOffset captureTime)
    {
        var poweredSeconds = TimeSpan.FromTicks(_poweredTicks).TotalSeconds;
        var summary = new IntervalSummary(
            captureTime,
            TimeSpan.FromTicks(_ticks),
            TimeSpan.FromTicks(_poweredTicks),
            poweredSeconds > 0 ? _voltSeconds / poweredSeconds : 0,
            poweredSeconds > 0 ? _ampereSeconds / poweredSeconds : 0,
            _registers.ImportWh - _importAtStart,
            _registers.ExportWh - _exportAtStart,
            _registers.ApparentVAh - _apparentAtStart,
            _registers.ImportWh,
            _registers.ExportWh,
            _registers.ApparentVAh);
        Restart();
        return summary;
    }

    private void Restart()
    {
        _importAtStart = _registers.ImportWh;
        _exportAtStart = _registers.ExportWh;
        _apparentAtStart = _registers.ApparentVAh;
        _ticks = 0;
        _poweredTicks = 0;
        _voltSeconds = 0;
        _ampereSeconds = 0;
    }
}
