namespace Meterline.HeadEnd.Commands.Approvals;

/// <summary>
/// What a bulk request led to: either a stored request waiting for approval (<see cref="Approval"/>, no commands),
/// or the commands created at once and the meters refused.
/// </summary>
public sealed record BulkCommandOutcome(CommandApproval? Approval, IReadOnlyList<CommandRecord> Commands, IReadOnlyList<BulkCommandRefusal> Refused)
{
    public bool WaitsForApproval => Approval is { State: ApprovalState.Pending };
}
