using Meterline.Server.Commands;

namespace Meterline.Server.Approvals;

/// <summary>
/// What a bulk request led to: <c>approval</c> when it waits for a second operator (no command yet), else the
/// <c>commands</c> created and the meters <c>refused</c>.
/// </summary>
public sealed record BulkCommandResponse(bool WaitsForApproval, ApprovalResponse? Approval, IReadOnlyList<CommandResponse> Commands, IReadOnlyList<BulkRefusalResponse> Refused);
