using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Commands.Approvals;

/// <summary>A bulk request to store as Pending.</summary>
public sealed record CommandApprovalDraft(CommandKind Kind, IReadOnlyList<MeterId> Meters, string RequestedBy, DateTimeOffset RequestedAt, DateTimeOffset ExpiresAt, string? Note);
