namespace Meterline.Simulator.Scenarios;

/// <summary>The meters a scenario applies to: fleet indexes <see cref="First"/> to <see cref="Last"/>, inclusive, from 0.</summary>
public readonly record struct MeterRange(int First, int Last)
{
    public bool Contains(int index) => index >= First && index <= Last;

    public override string ToString() => First == Last
        ? First.ToString(System.Globalization.CultureInfo.InvariantCulture)
        : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{First}-{Last}");
}
