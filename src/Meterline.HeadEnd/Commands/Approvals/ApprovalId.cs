using System.Globalization;

namespace Meterline.HeadEnd.Commands.Approvals;

/// <summary>The id of a bulk command request that waits for (or had) a second operator's approval.</summary>
public readonly record struct ApprovalId(long Value)
{
    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}
