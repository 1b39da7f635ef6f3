namespace Meterline.Simulator.Scenarios;

/// <summary>The scenario controls of a simulated meter, as <see cref="ScenarioSchedule"/> drives them.</summary>
public interface IScenarioTarget
{
    void SetMagnet(bool present);

    void SetNeutralDisturbance(bool present);

    void SetReverseCurrent(bool present);

    void SetOutage(bool present);

    /// <summary>The meter's communication down (it stays powered and keeps metering; no power event): it answers and pushes nothing.</summary>
    void SetSilent(bool silent);

    /// <summary>The supply voltage as a multiple of nominal (1 = normal).</summary>
    void SetVoltageFactor(double factor);

    void SetCoverOpen(bool open);

    /// <summary>The supply frequency imposed on the meter, Hz; null: the grid's own.</summary>
    void SetSupplyFrequency(double? hertz);

    /// <summary>The share of the load tapped ahead of the meter, [0, 1) (0 = none).</summary>
    void SetLoadBypass(double share);

    /// <summary>Clock drift in parts per million (0 = none).</summary>
    void SetClockDrift(double ppm);
}
