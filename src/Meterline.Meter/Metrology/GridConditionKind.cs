namespace Meterline.Meter.Metrology;

/// <summary>What is imposed on the supply (<see cref="GridCondition"/>).</summary>
public enum GridConditionKind
{
    /// <summary>The supply as the grid model gives it.</summary>
    Normal = 0,

    /// <summary>No supply: 0 V.</summary>
    Outage,

    /// <summary>The voltage is scaled down by a factor in (0, 1).</summary>
    VoltageSag,

    /// <summary>The voltage is scaled up by a factor in (1, 2].</summary>
    OverVoltage,
}
