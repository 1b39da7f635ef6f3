using Meterline.HeadEnd.Prepaid;
using Meterline.Server.Access;
using Meterline.Server.Api;
using Meterline.Server.Approvals;
using Meterline.Server.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Meterline.Server.Prepaid;

/// <summary>
/// Dual control of prepaid adjustments over HTTP (docs/prepaid.md, "Adjustments and dual control"), admin only: the
/// requests that wait for a second admin (newest first, by state and consumer), one request, and its approval (the
/// entry is posted) or rejection. The requester's own approval is 403 <c>self-approval</c>, audited; a decided or
/// expired request is 409 <c>approval-not-pending</c>; an unknown one 404 <c>unknown-approval</c> (the problems of
/// bulk-command approvals, docs/api.md).
/// </summary>
public static class AdjustmentRequestsApi
{
    public const string Path = "/api/prepaid/adjustment-requests";
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1_000;

    /// <summary>Maps the endpoints under <see cref="Path"/> when the node runs prepaid (called by <see cref="PrepaidApi.MapPrepaid"/>).</summary>
    public static IEndpointRouteBuilder MapAdjustmentRequests(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        var group = routes.MapGroup(Path).WithTags("Prepaid").RequireAuthorization(AccessPolicies.Admin);
        group.MapGet("/", ListAsync).WithName("ListPrepaidAdjustmentRequests")
            .WithSummary("Admin only: adjustments above the approval threshold, newest first (?state=pending|applied|rejected|expired, ?consumer=, ?limit=)")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapGet("/{id:long}", GetAsync).WithName("GetPrepaidAdjustmentRequest").WithSummary("Admin only: one adjustment request")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id:long}/approve", ApproveAsync).WithName("ApprovePrepaidAdjustmentRequest")
            .WithSummary("Admin only, not the requester: approve the adjustment; its ledger entry is posted")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{id:long}/reject", RejectAsync).WithName("RejectPrepaidAdjustmentRequest")
            .WithSummary("Admin only: reject the adjustment (the requester may withdraw their own); nothing is posted")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return routes;
    }

    internal static async Task<Results<Ok<IReadOnlyList<AdjustmentRequestResponse>>, ProblemHttpResult>> ListAsync(
        [FromServices] PrepaidService prepaid, string? state, string? consumer, int? limit, CancellationToken cancellationToken)
    {
        AdjustmentRequestState? filter = null;
        if (state is not null)
        {
            var match = Enum.GetValues<AdjustmentRequestState>().Where(s => AdjustmentRequestResponse.StateName(s) == state).ToList();
            if (match.Count != 1)
            {
                return ApiProblems.BadRequest.Result("state is pending, applied, rejected or expired.");
            }

            filter = match[0];
        }

        if (limit is < 1 or > MaxPageSize)
        {
            return ApiProblems.InvalidPaging.Result($"limit is 1 to {MaxPageSize}.");
        }

        var requests = await prepaid.ListAdjustmentRequestsAsync(filter, consumer, limit ?? DefaultPageSize, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok<IReadOnlyList<AdjustmentRequestResponse>>([.. requests.Select(AdjustmentRequestResponse.From)]);
    }

    internal static async Task<Results<Ok<AdjustmentRequestResponse>, ProblemHttpResult>> GetAsync(long id, [FromServices] PrepaidService prepaid, CancellationToken cancellationToken) =>
        await prepaid.Store.GetAdjustmentRequestAsync(new AdjustmentRequestId(id), cancellationToken).ConfigureAwait(false) is { } request
            ? TypedResults.Ok(AdjustmentRequestResponse.From(request))
            : ApprovalProblems.UnknownApproval.Result($"No adjustment request {id}.");

    internal static Task<Results<Ok<AdjustmentDecisionResponse>, ProblemHttpResult>> ApproveAsync(long id, HttpRequest request, [FromServices] PrepaidService prepaid, CancellationToken cancellationToken) =>
        DecideAsync(request, prepaid, actor => prepaid.ApproveAdjustmentAsync(new AdjustmentRequestId(id), actor, cancellationToken), cancellationToken);

    internal static Task<Results<Ok<AdjustmentDecisionResponse>, ProblemHttpResult>> RejectAsync(long id, HttpRequest request, [FromServices] PrepaidService prepaid, CancellationToken cancellationToken) =>
        DecideAsync(request, prepaid, actor => prepaid.RejectAdjustmentAsync(new AdjustmentRequestId(id), actor, cancellationToken), cancellationToken);

    private static async Task<Results<Ok<AdjustmentDecisionResponse>, ProblemHttpResult>> DecideAsync(
        HttpRequest request, PrepaidService prepaid, Func<string, Task<AdjustmentDecisionResult>> decide, CancellationToken cancellationToken)
    {
        if (!RequestActor.TryGet(request, out var actor, out var actorProblem))
        {
            return actorProblem!;
        }

        var result = await decide(actor).ConfigureAwait(false);
        switch (result.Outcome)
        {
            case AdjustmentDecisionOutcome.Applied or AdjustmentDecisionOutcome.Rejected:
                var account = result.Entry is null ? null : await prepaid.Store.GetAsync(result.Request!.ConsumerId, cancellationToken).ConfigureAwait(false);
                return TypedResults.Ok(new AdjustmentDecisionResponse(
                    AdjustmentRequestResponse.From(result.Request!),
                    result.Entry is { } entry ? LedgerEntryResponse.From(entry) : null,
                    account is null ? null : PrepaidAccountResponse.From(account, prepaid.Options)));
            case AdjustmentDecisionOutcome.UnknownRequest:
                return ApprovalProblems.UnknownApproval.Result(result.Detail ?? "No such adjustment request.");
            case AdjustmentDecisionOutcome.OwnRequest:
                return ApprovalProblems.SelfDecision.Result(result.Detail ?? "Another admin must approve it.");
            default:
                return ApprovalProblems.NotPending.Result(result.Detail ?? "The request is not pending.");
        }
    }
}
