using System.Globalization;

namespace Meterline.HeadEnd.Meters;

/// <summary>The head-end's own number for a meter, assigned by the registry when the meter is added (from 1).</summary>
public readonly record struct MeterId(int Value) : IComparable<MeterId>
{
    public int CompareTo(MeterId other) => Value.CompareTo(other.Value);

    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}
