using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Commands.Approvals;

/// <summary>An operator's request for the same command on many meters.</summary>
/// <param name="Kind">Connect or Disconnect.</param>
/// <param name="Meters">The meters (duplicates are ignored).</param>
/// <param name="Actor">Who asks; recorded in the audit log and never the approver.</param>
/// <param name="Note">Why, shown to the approver (optional).</param>
public sealed record BulkCommandSubmission(CommandKind Kind, IReadOnlyList<MeterId> Meters, string Actor, string? Note = null);
