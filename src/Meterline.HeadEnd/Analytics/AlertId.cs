using System.Globalization;

namespace Meterline.HeadEnd.Analytics;

/// <summary>The head-end's number for an alert, assigned by the alert store (from 1).</summary>
public readonly record struct AlertId(long Value)
{
    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}
