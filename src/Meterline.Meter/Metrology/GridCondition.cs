namespace Meterline.Meter.Metrology;

/// <summary>
/// A condition a scenario imposes on the supply. <c>default</c> is <see cref="Normal"/>.
/// </summary>
public readonly record struct GridCondition
{
    private readonly double _factor;

    private GridCondition(GridConditionKind kind, double factor)
    {
        Kind = kind;
        _factor = factor;
    }

    /// <summary>The kind of condition.</summary>
    public GridConditionKind Kind { get; }

    /// <summary>What the grid model's voltage is multiplied by: 1 when normal, 0 in an outage.</summary>
    public double VoltageFactor => Kind switch
    {
        GridConditionKind.Normal => 1,
        GridConditionKind.Outage => 0,
        _ => _factor,
    };

    /// <summary>The supply as the grid model gives it.</summary>
    public static GridCondition Normal => default;

    /// <summary>No supply (0 V, 0 Hz).</summary>
    public static GridCondition Outage => new(GridConditionKind.Outage, 0);

    /// <summary>The voltage scaled by <paramref name="factor"/>, in (0, 1) (0.7: a 30 % sag).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="factor"/> is not in (0, 1).</exception>
    public static GridCondition VoltageSag(double factor)
    {
        if (!(factor > 0 && factor < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "A sag factor is more than 0 and less than 1");
        }

        return new(GridConditionKind.VoltageSag, factor);
    }

    /// <summary>The voltage scaled by <paramref name="factor"/>, in (1, 2] (1.2: 20 % over).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="factor"/> is not in (1, 2].</exception>
    public static GridCondition OverVoltage(double factor)
    {
        if (!(factor > 1 && factor <= 2))
        {
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "An over-voltage factor is more than 1 and at most 2");
        }

        return new(GridConditionKind.OverVoltage, factor);
    }
}
