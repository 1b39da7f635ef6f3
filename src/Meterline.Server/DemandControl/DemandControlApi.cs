using System.Text.Json;
using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.DemandControl;
using Meterline.HeadEnd.Meters;
using Meterline.Server.Api;
using Meterline.Server.Commands;
using Meterline.Server.Meters;
using Meterline.Server.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Meterline.Server.DemandControl;

/// <summary>
/// Demand control over HTTP (docs/demand-control.md): ask for a group load limit (202 with its Location; the fan-out
/// makes the meters' LoadLimit commands at its own rate), follow its progress, and read a meter's last confirmed
/// Limiter; list the limits (newest first, paged) and cancel one (its waiting members are withdrawn, its Requested
/// commands cancelled, Sent ones run to completion). The actor is the <c>X-Meterline-Actor</c> header; asking is
/// audited as <c>demand.limit-requested</c>, cancelling as <c>demand.limit-cancelled</c>. Reading needs a viewer,
/// asking and cancelling an operator (the fallback policy by method).
/// </summary>
public static class DemandControlApi
{
    public const int MaxBodyBytes = 1024 * 1024;
    public const int DefaultPageSize = 100;

    public static IEndpointRouteBuilder MapDemandControl(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        if (routes.ServiceProvider.GetService<DemandControlService>() is null)
        {
            return routes;
        }

        var group = routes.MapGroup("/api/demand/limits").WithTags("Demand control");
        group.MapPost("/", CreateAsync).WithName("CreateDemandLimit").Accepts<DemandLimitRequestBody>("application/json")
            .WithSummary("Limit a meter, a transformer's or feeder's meters, or a list of meters; 202 with its Location")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/", ListAsync).WithName("ListDemandLimits").WithSummary("Group load limits newest first, paged")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapDelete("/{id:long}", CancelAsync).WithName("CancelDemandLimit")
            .WithSummary("Cancel a group load limit (optional ?reason=): waiting members are withdrawn, Requested commands cancelled, Sent ones run to completion")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id:long}", GetAsync).WithName("GetDemandLimit").WithSummary("A group load limit and its progress: counts by state and the failures")
            .ProducesProblem(StatusCodes.Status404NotFound);
        routes.MapGet("/api/meters/{serial}/limiter", GetLimiterAsync).WithTags("Demand control").WithName("GetMeterLimiter")
            .WithSummary("The meter's last confirmed Limiter settings").ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }

    internal static async Task<Results<Accepted<DemandLimitResponse>, ProblemHttpResult>> CreateAsync(
        HttpRequest request,
        [FromServices] DemandControlService demand,
        [FromServices] IMeterRepository meters,
        [FromServices] IOptions<JsonOptions> json,
        CancellationToken cancellationToken)
    {
        if (!RequestActor.TryGet(request, out var actor, out var actorProblem))
        {
            return actorProblem!;
        }

        var (body, problem) = await JsonRequestBody.ReadAsync<DemandLimitRequestBody>(request, json.Value.SerializerOptions, MaxBodyBytes, optional: false, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        var targets = (body!.Meter is { ValueKind: not JsonValueKind.Null } ? 1 : 0) + (body.Transformer is not null ? 1 : 0)
            + (body.Feeder is not null ? 1 : 0) + (body.Meters is { ValueKind: not JsonValueKind.Null } ? 1 : 0);
        if (targets != 1)
        {
            return ApiProblems.InvalidDemandTarget.Result("Give exactly one of meter, transformer, feeder or meters.");
        }

        if (body.Limit is not { ValueKind: JsonValueKind.Object } limitJson)
        {
            return ApiProblems.InvalidParameters.Result("limit is an object: a loadLimit command's parameters.");
        }

        DemandLimitTargetKind kind;
        string? target = null;
        List<MeterId>? listed = null;
        if (body.Transformer is not null || body.Feeder is not null)
        {
            kind = body.Transformer is not null ? DemandLimitTargetKind.Transformer : DemandLimitTargetKind.Feeder;
            target = body.Transformer ?? body.Feeder;
        }
        else
        {
            kind = body.Meter is not null ? DemandLimitTargetKind.Meter : DemandLimitTargetKind.Meters;
            var references = kind == DemandLimitTargetKind.Meter ? [body.Meter!.Value] : body.Meters!.Value.ValueKind == JsonValueKind.Array ? body.Meters.Value.EnumerateArray().ToList() : null;
            if (references is null || references.Count > demand.Options.MaxGroupSize)
            {
                return references is null
                    ? ApiProblems.InvalidDemandTarget.Result("meters is an array of meter ids or serials.")
                    : ApiProblems.DemandGroupTooLarge.Result($"The list names more than {demand.Options.MaxGroupSize} meters (the most one group load limit may reach).");
            }

            listed = [];
            foreach (var reference in references)
            {
                Meter? meter = reference switch
                {
                    { ValueKind: JsonValueKind.Number } number when number.TryGetInt32(out var id) && id > 0 => await meters.GetAsync(new MeterId(id), cancellationToken).ConfigureAwait(false),
                    { ValueKind: JsonValueKind.String } text => await MeterReference.FindAsync(meters, text.GetString()!, cancellationToken).ConfigureAwait(false),
                    _ => null,
                };
                if (meter is null)
                {
                    return reference.ValueKind is JsonValueKind.Number or JsonValueKind.String
                        ? ApiProblems.UnknownMeter.Result($"No meter is registered as {Short(reference.GetRawText())}.")
                        : ApiProblems.InvalidDemandTarget.Result("A meter is its id (a positive number) or its serial (a string).");
                }

                listed.Add(meter.Id);
            }
        }

        try
        {
            var parameters = (LoadLimitParameters)CommandParametersJson.Decode(CommandKind.LoadLimit, limitJson.GetRawText());
            var limit = await demand.RequestAsync(new DemandLimitSubmission(kind, target, listed, parameters, actor, body.NotBefore), cancellationToken).ConfigureAwait(false);
            var progress = await demand.GetProgressAsync(limit.Id, cancellationToken).ConfigureAwait(false);
            return TypedResults.Accepted($"/api/demand/limits/{limit.Id.Value}", DemandLimitResponse.From(progress!, new Dictionary<int, string>()));
        }
        catch (CommandRejectedException e)
        {
            return CommandProblems.From(e);
        }
        catch (DemandLimitRejectedException e)
        {
            return (e.Reason switch
            {
                DemandLimitRejection.GroupTooLarge => ApiProblems.DemandGroupTooLarge,
                DemandLimitRejection.UnknownMeter => ApiProblems.UnknownMeter,
                _ => ApiProblems.InvalidDemandTarget,
            }).Result(e.Message);
        }
    }

    internal static async Task<Results<Ok<DemandLimitResponse>, ProblemHttpResult>> GetAsync(
        long id,
        [FromServices] DemandControlService demand,
        [FromServices] IMeterRepository meters,
        CancellationToken cancellationToken)
    {
        if (await demand.GetProgressAsync(new DemandLimitId(id), cancellationToken).ConfigureAwait(false) is not { } progress)
        {
            return ApiProblems.UnknownDemandLimit.Result($"No demand limit has id {id}.");
        }

        return TypedResults.Ok(await ResponseAsync(progress, meters, cancellationToken).ConfigureAwait(false));
    }

    private static async Task<DemandLimitResponse> ResponseAsync(DemandLimitProgress progress, IMeterRepository meters, CancellationToken cancellationToken)
    {
        var serials = new Dictionary<int, string>();
        foreach (var failure in progress.Failed)
        {
            if (!serials.ContainsKey(failure.Meter.Value) && await meters.GetAsync(failure.Meter, cancellationToken).ConfigureAwait(false) is { } meter)
            {
                serials[meter.Id.Value] = meter.Serial;
            }
        }

        return DemandLimitResponse.From(progress, serials);
    }

    internal static async Task<Results<Ok<PageResponse<DemandLimitSummaryResponse>>, ProblemHttpResult>> ListAsync(
        int? pageSize, string? pageToken, [FromServices] DemandControlService demand, CancellationToken cancellationToken)
    {
        if (ListingQuery.TryReadPage(IdPageToken.DemandLimits, pageSize, pageToken, DefaultPageSize, out var size, out var last) is { } badPage)
        {
            return badPage;
        }

        DemandLimitId? before = last is { } id ? new DemandLimitId(id) : null;
        var found = await demand.ListAsync(before, size + 1, cancellationToken).ConfigureAwait(false);
        var page = found.Take(size).ToList();
        return TypedResults.Ok(new PageResponse<DemandLimitSummaryResponse>(
            [.. page.Select(DemandLimitSummaryResponse.From)],
            found.Count > size ? IdPageToken.DemandLimits.Create(page[^1].Id.Value) : null));
    }

    internal static async Task<Results<Ok<DemandLimitResponse>, ProblemHttpResult>> CancelAsync(
        long id,
        string? reason,
        HttpRequest request,
        [FromServices] DemandControlService demand,
        [FromServices] IMeterRepository meters,
        CancellationToken cancellationToken)
    {
        if (!RequestActor.TryGet(request, out var actor, out var actorProblem))
        {
            return actorProblem!;
        }

        DemandLimitProgress? progress;
        try
        {
            progress = await demand.CancelAsync(new DemandLimitId(id), actor, reason, cancellationToken).ConfigureAwait(false);
        }
        catch (CommandRejectedException e)
        {
            return ApiProblems.BadRequest.Result(e.Message);
        }

        return progress is null
            ? ApiProblems.UnknownDemandLimit.Result($"No demand limit has id {id}.")
            : TypedResults.Ok(await ResponseAsync(progress, meters, cancellationToken).ConfigureAwait(false));
    }

    internal static async Task<Results<Ok<MeterLimiterResponse>, ProblemHttpResult>> GetLimiterAsync(
        string serial,
        [FromServices] IMeterLimiterStore limiters,
        [FromServices] IMeterRepository meters,
        CancellationToken cancellationToken)
    {
        if (await MeterReference.FindAsync(meters, serial, cancellationToken).ConfigureAwait(false) is not { } meter)
        {
            return ApiProblems.UnknownMeter.Result("No meter is registered with that serial or id.");
        }

        return await limiters.GetAsync(meter.Id, cancellationToken).ConfigureAwait(false) is { } limiter
            ? TypedResults.Ok(MeterLimiterResponse.From(meter.Serial, limiter))
            : ApiProblems.NoLimiterSettings.Result($"No load limit command has confirmed meter {meter.Serial}'s limiter yet.");
    }

    private static string Short(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
