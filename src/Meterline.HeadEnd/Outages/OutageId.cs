using System.Globalization;

namespace Meterline.HeadEnd.Outages;

/// <summary>The head-end's number for an outage, assigned by the outage store (from 1, never reused).</summary>
public readonly record struct OutageId(long Value)
{
    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}
