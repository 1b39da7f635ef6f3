using System.Text.Json;
using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.Commands.Approvals;
using Meterline.HeadEnd.Meters;
using Meterline.Server.Api;
using Meterline.Server.Commands;
using Meterline.Server.Meters;
using Meterline.Server.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Meterline.Server.Approvals;

/// <summary>
/// Bulk commands and the second operator's approval over HTTP (docs/commands.md): <c>POST /api/commands/bulk</c>
/// connects or disconnects many meters — a disconnect of more than the threshold answers 202 with the stored request
/// (Location <c>/api/approvals/{id}</c>, no command yet); otherwise 202 with the commands. <c>/api/approvals</c>
/// lists the requests (newest first, by state, paged); <c>POST /api/approvals/{id}/approve</c> and <c>…/reject</c>
/// decide one — never by its requester (403). Operators and admins may post (the fallback policy); every step is audited.
/// </summary>
public static class ApprovalsApi
{
    public const int DefaultPageSize = 50;
    public const int MaxBodyBytes = 512 * 1024;

    public static IEndpointRouteBuilder MapApprovals(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        if (routes.ServiceProvider.GetService<CommandApprovalService>() is null)
        {
            return routes;
        }

        var group = routes.MapGroup("/api/approvals").WithTags("Approvals");
        group.MapGet("/", ListAsync).WithName("ListApprovals").WithSummary("Bulk requests newest first, optionally in one state (Pending, Approved, Completed, Rejected, Expired), paged")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapGet("/{id:long}", GetAsync).WithName("GetApproval").WithSummary("One bulk request and its decision")
            .ProducesProblem(StatusCodes.Status404NotFound);
        routes.MapPost("/api/commands/bulk", RequestAsync).WithTags("Approvals").WithName("CreateBulkCommand").Accepts<BulkCommandRequestBody>("application/json")
            .WithSummary("Connect or disconnect many meters; a disconnect above the threshold waits for a second operator's approval")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        group.MapPost("/{id:long}/approve", ApproveAsync).WithName("ApproveBulkCommand").WithSummary("Approve another operator's pending bulk request: its commands are created")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{id:long}/reject", RejectAsync).WithName("RejectBulkCommand").WithSummary("Reject another operator's pending bulk request: no command is made")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);

        return routes;
    }

    internal static async Task<Results<Accepted<BulkCommandResponse>, ProblemHttpResult>> RequestAsync(
        HttpRequest request,
        [FromServices] CommandApprovalService approvals,
        [FromServices] IMeterRepository meters,
        [FromServices] IOptions<JsonOptions> json,
        CancellationToken cancellationToken)
    {
        if (!RequestActor.TryGet(request, out var actor, out var actorProblem))
        {
            return actorProblem!;
        }

        var (body, problem) = await JsonRequestBody.ReadAsync<BulkCommandRequestBody>(request, json.Value.SerializerOptions, MaxBodyBytes, optional: false, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        if (!CommandKindNames.TryParse(body!.Kind, out var kind) || kind is not (CommandKind.Connect or CommandKind.Disconnect))
        {
            return ApprovalProblems.InvalidBulkRequest.Result("kind is connect or disconnect.");
        }

        if (body.Meters is not { ValueKind: JsonValueKind.Array } list || list.GetArrayLength() is 0 || list.GetArrayLength() > approvals.Options.MaxMeters)
        {
            return ApprovalProblems.InvalidBulkRequest.Result($"meters is an array of 1 to {approvals.Options.MaxMeters} meter ids or serials.");
        }

        var serials = new Dictionary<MeterId, string>();
        foreach (var reference in list.EnumerateArray())
        {
            var meter = reference switch
            {
                { ValueKind: JsonValueKind.Number } number when number.TryGetInt32(out var id) && id > 0 => await meters.GetAsync(new MeterId(id), cancellationToken).ConfigureAwait(false),
                { ValueKind: JsonValueKind.String } text => await MeterReference.FindAsync(meters, text.GetString()!, cancellationToken).ConfigureAwait(false),
                _ => null,
            };
            if (meter is null)
            {
                return ApiProblems.UnknownMeter.Result($"No meter is registered as {reference.GetRawText()}.");
            }

            serials[meter.Id] = meter.Serial;
        }

        try
        {
            var outcome = await approvals.RequestAsync(new BulkCommandSubmission(kind, [.. serials.Keys], actor, body.Note), cancellationToken).ConfigureAwait(false);
            var response = new BulkCommandResponse(
                outcome.WaitsForApproval,
                outcome.Approval is { } approval ? ApprovalResponse.From(approval) : null,
                [.. outcome.Commands.Select(c => CommandResponse.From(c, serials.GetValueOrDefault(c.Meter)))],
                [.. outcome.Refused.Select(r => new BulkRefusalResponse(r.Meter.Value, serials.GetValueOrDefault(r.Meter), CommandProblems.For(r.Reason).Type, r.Message))]);
            return TypedResults.Accepted(outcome.Approval is { } stored ? $"/api/approvals/{stored.Id}" : "/api/commands", response);
        }
        catch (ApprovalRejectedException e)
        {
            return ApprovalProblems.From(e);
        }
    }

    internal static async Task<Results<Ok<ApprovalResponse>, ProblemHttpResult>> GetAsync(long id, [FromServices] ICommandApprovalStore store, CancellationToken cancellationToken) =>
         await store.GetAsync(new ApprovalId(id), cancellationToken).ConfigureAwait(false) is { } approval
            ? TypedResults.Ok(ApprovalResponse.From(approval))
            : ApprovalProblems.UnknownApproval.Result($"No bulk request has id {id}.");

    internal static async Task<Results<Ok<PageResponse<ApprovalResponse>>, ProblemHttpResult>> ListAsync(
        [FromServices] ICommandApprovalStore store,
        string? state,
        int? pageSize,
        string? pageToken,
        CancellationToken cancellationToken)
    {
        if (ListingQuery.TryReadPage(IdPageToken.Approvals, pageSize, pageToken, DefaultPageSize, out var size, out var last) is { } badPage)
        {
            return badPage;
        }

        if (ListingQuery.TryReadState<ApprovalState>(state, out var wanted) is { } badState)
        {
            return badState;
        }

        var found = await store.ListAsync(wanted, last is { } before ? new ApprovalId(before) : null, size + 1, cancellationToken).ConfigureAwait(false);
        var page = found.Take(size).ToList();
        var next = found.Count > size ? IdPageToken.Approvals.Create(page[^1].Id.Value) : null;
        return TypedResults.Ok(new PageResponse<ApprovalResponse>([.. page.Select(ApprovalResponse.From)], next));
    }

    internal static Task<Results<Ok<ApprovalResponse>, ProblemHttpResult>> ApproveAsync(long id, HttpRequest request, [FromServices] CommandApprovalService approvals, [FromServices] IOptions<JsonOptions> json, CancellationToken cancellationToken) =>
        DecideAsync(request, json, (actor, note) => approvals.ApproveAsync(new ApprovalId(id), actor, note, cancellationToken), cancellationToken);

    internal static Task<Results<Ok<ApprovalResponse>, ProblemHttpResult>> RejectAsync(long id, HttpRequest request, [FromServices] CommandApprovalService approvals, [FromServices] IOptions<JsonOptions> json, CancellationToken cancellationToken) =>
        DecideAsync(request, json, (actor, note) => approvals.RejectAsync(new ApprovalId(id), actor, note, cancellationToken), cancellationToken);

    private static async Task<Results<Ok<ApprovalResponse>, ProblemHttpResult>> DecideAsync(
        HttpRequest request, IOptions<JsonOptions> json, Func<string, string?, Task<CommandApproval>> decide, CancellationToken cancellationToken)
    {
        if (!RequestActor.TryGet(request, out var actor, out var actorProblem))
        {
            return actorProblem!;
        }

        var (body, problem) = await JsonRequestBody.ReadAsync<ApprovalDecisionBody>(request, json.Value.SerializerOptions, 4096, optional: true, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        try
        {
            return TypedResults.Ok(ApprovalResponse.From(await decide(actor, body?.Note).ConfigureAwait(false)));
        }
        catch (ApprovalRejectedException e)
        {
            return ApprovalProblems.From(e);
        }
    }
}
