using Meterline.HeadEnd.Analytics;
using Meterline.HeadEnd.Meters;
using Meterline.Server.Api;
using Meterline.Server.Commands;
using Meterline.Server.Meters;
using Meterline.Server.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Meterline.Server.Alerts;

/// <summary>
/// Alerts over HTTP (docs/analytics.md): list them newest first, filtered by state, meter and rule, paged; read one;
/// acknowledge, assign or close one. The actor of a change is the <c>X-Meterline-Actor</c> header; every change is audited.
/// </summary>
public static class AlertsApi
{
    public const int DefaultPageSize = 100;

    public static IEndpointRouteBuilder MapAlerts(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        if (routes.ServiceProvider.GetService<AlertService>() is null)
        {
            return routes;
        }

        var group = routes.MapGroup("/api/alerts").WithTags("Alerts");
        group.MapGet("/", ListAsync).WithName("ListAlerts").WithSummary("Alerts newest first, optionally in one state (Open, Acknowledged, Closed), of one meter and of one rule, paged")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id:long}", GetAsync).WithName("GetAlert").WithSummary("One alert with its evidence").ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id:long}/acknowledge", AcknowledgeAsync).WithName("AcknowledgeAlert").WithSummary("Acknowledge an open alert")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{id:long}/assign", AssignAsync).WithName("AssignAlert").WithSummary("Give an open or acknowledged alert to someone (assignee null or empty: to nobody)")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{id:long}/close", CloseAsync).WithName("CloseAlert").WithSummary("Close an open or acknowledged alert")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return routes;
    }

    internal static async Task<Results<Ok<PageResponse<AlertResponse>>, ProblemHttpResult>> ListAsync(
        [FromServices] AlertService alerts,
        IMeterRepository meters,
        string? state,
        string? meter,
        string? rule,
        int? pageSize,
        string? pageToken,
        CancellationToken cancellationToken)
    {
        if (ListingQuery.TryReadPage(IdPageToken.Alerts, pageSize, pageToken, DefaultPageSize, out var size, out var last) is { } badPage)
        {
            return badPage;
        }

        AlertId? before = last is { } id ? new AlertId(id) : null;
        if (ListingQuery.TryReadState<AlertState>(state, out var wanted) is { } badState)
        {
            return badState;
        }

        if (rule is { Length: 0 or > 64 })
        {
            return ApiProblems.BadRequest.Result("rule is a rule id of 1 to 64 characters.");
        }

        Meter? owner = null;
        if (meter is not null)
        {
            owner = await MeterReference.FindAsync(meters, meter, cancellationToken).ConfigureAwait(false);
            if (owner is null)
            {
                return ApiProblems.UnknownMeter.Result("No meter is registered with that serial or id.");
            }
        }

        var found = await alerts.Store.ListAsync(new AlertFilter(wanted, owner?.Id, rule), before, size + 1, cancellationToken).ConfigureAwait(false);
        var page = found.Take(size).ToList();
        var serials = new Dictionary<MeterId, string?>();
        var items = new List<AlertResponse>(page.Count);
        foreach (var alert in page)
        {
            items.Add(AlertResponse.From(alert, await SerialAsync(meters, serials, alert.Meter, cancellationToken).ConfigureAwait(false)));
        }

        return TypedResults.Ok(new PageResponse<AlertResponse>(items, found.Count > size ? IdPageToken.Alerts.Create(page[^1].Id.Value) : null));
    }

    internal static async Task<Results<Ok<AlertResponse>, ProblemHttpResult>> GetAsync(long id, [FromServices] AlertService alerts, IMeterRepository meters, CancellationToken cancellationToken)
    {
        var alert = await alerts.Store.GetAsync(new AlertId(id), cancellationToken).ConfigureAwait(false);
        return alert is null
            ? ApiProblems.UnknownAlert.Result($"No alert has id {id}.")
            : TypedResults.Ok(AlertResponse.From(alert, (await meters.GetAsync(alert.Meter, cancellationToken).ConfigureAwait(false))?.Serial));
    }

    internal static Task<Results<Ok<AlertResponse>, ProblemHttpResult>> AcknowledgeAsync(long id, HttpRequest request, [FromServices] AlertService alerts, IMeterRepository meters, CancellationToken cancellationToken) =>
        TransitionAsync(id, request, meters, (actor, ct) => alerts.AcknowledgeAsync(new AlertId(id), actor, ct), "acknowledged (it is not open)", cancellationToken);

    internal static Task<Results<Ok<AlertResponse>, ProblemHttpResult>> CloseAsync(long id, HttpRequest request, [FromServices] AlertService alerts, IMeterRepository meters, CancellationToken cancellationToken) =>
        TransitionAsync(id, request, meters, (actor, ct) => alerts.CloseAsync(new AlertId(id), actor, ct), "closed (it is closed already)", cancellationToken);

    internal static Task<Results<Ok<AlertResponse>, ProblemHttpResult>> AssignAsync(long id, AlertAssignmentBody body, HttpRequest request, [FromServices] AlertService alerts, IMeterRepository meters, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (body.Assignee is { Length: > AlertService.MaxAssigneeLength })
        {
            return Task.FromResult<Results<Ok<AlertResponse>, ProblemHttpResult>>(ApiProblems.BadRequest.Result($"An assignee is at most {AlertService.MaxAssigneeLength} characters."));
        }

        return TransitionAsync(id, request, meters, (actor, ct) => alerts.AssignAsync(new AlertId(id), body.Assignee, actor, ct), "assigned (it is closed)", cancellationToken);
    }

    private static async Task<Results<Ok<AlertResponse>, ProblemHttpResult>> TransitionAsync(
        long id, HttpRequest request, IMeterRepository meters, Func<string, CancellationToken, Task<AlertTransitionResult>> transition, string refusal, CancellationToken cancellationToken)
    {
        if (!RequestActor.TryGet(request, out var actor, out var actorProblem))
        {
            return actorProblem!;
        }

        var result = await transition(actor, cancellationToken).ConfigureAwait(false);
        return result switch
        {
            { Outcome: AlertTransitionOutcome.NotFound } => ApiProblems.UnknownAlert.Result($"No alert has id {id}."),
            { Outcome: AlertTransitionOutcome.NotAllowed, Alert: { } alert } => ApiProblems.AlertStateConflict.Result($"Alert {id} is {alert.State} and cannot be {refusal}."),
            { Alert: { } moved } => TypedResults.Ok(AlertResponse.From(moved, (await meters.GetAsync(moved.Meter, cancellationToken).ConfigureAwait(false))?.Serial)),
            _ => ApiProblems.UnknownAlert.Result($"No alert has id {id}."),
        };
    }

    private static async Task<string?> SerialAsync(IMeterRepository meters, Dictionary<MeterId, string?> known, MeterId meter, CancellationToken cancellationToken)
    {
        if (!known.TryGetValue(meter, out var serial))
        {
            known[meter] = serial = (await meters.GetAsync(meter, cancellationToken).ConfigureAwait(false))?.Serial;
        }

        return serial;
    }
}
