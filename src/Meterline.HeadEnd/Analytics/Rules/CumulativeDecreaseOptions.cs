using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.Analytics.Rules;

/// <summary>Settings of <see cref="CumulativeDecreaseRule"/>.</summary>
public sealed record CumulativeDecreaseOptions
{
    /// <summary>The registers that may never go down.</summary>
    public IReadOnlyList<Quantity> Registers { get; init; } =
    [
        Quantity.CumulativeImportEnergy, Quantity.CumulativeExportEnergy, Quantity.CumulativeApparentEnergy,
        .. Enumerable.Range(1, 8).Select(Quantity.ImportInZone),
    ];

    /// <summary>A fall of more than this (in the register's unit) is a violation; 0: any fall.</summary>
    public double Tolerance { get; init; }

    public TimeSpan Lookback { get; init; } = TimeSpan.FromDays(2);

    /// <summary>Throws <see cref="ArgumentException"/> for a threshold out of range.</summary>
    public void Validate()
    {
        if (Registers.Count == 0 || Registers.Any(r => !r.IsKnown) || !(Tolerance >= 0) || Lookback <= TimeSpan.Zero)
        {
            throw new ArgumentException("Cumulative decrease: at least one known register, a tolerance at least 0, a positive look-back.");
        }
    }
}
