using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Outages;
using Meterline.Server.Api;
using Meterline.Server.Meters;
using Meterline.Server.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Meterline.Server.Outages;

/// <summary>
/// Outages over HTTP (docs/outages.md): list them newest first, filtered by state and feeder, paged; read one with its
/// affected meters; a feeder's reliability indices (SAIDI, SAIFI, MAIFI) over a period.
/// </summary>
public static class OutagesApi
{
    public const int DefaultPageSize = 100;

    /// <summary>The most affected meters one outage's answer lists.</summary>
    public const int MaxMetersShown = 10_000;

    public const int MaxIdLength = 256;

    public static IEndpointRouteBuilder MapOutages(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        if (routes.ServiceProvider.GetService<ReliabilityService>() is null)
        {
            return routes;
        }

        var group = routes.MapGroup("/api/outages").WithTags("Outages");
        group.MapGet("/", ListAsync).WithName("ListOutages").WithSummary("Outages newest first, optionally in one state (Open, Restored) and of one feeder, paged")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapGet("/{id:long}", GetAsync).WithName("GetOutage").WithSummary("One outage with its affected meters").ProducesProblem(StatusCodes.Status404NotFound);
        routes.MapGet("/api/feeders/{id}/reliability", ReliabilityAsync).WithTags("Outages").WithName("GetFeederReliability")
            .WithSummary("SAIDI, SAIFI, MAIFI and CAIDI of a feeder over [from, to) (at most 366 days)").ProducesProblem(StatusCodes.Status400BadRequest);
        return routes;
    }

    internal static async Task<Results<Ok<PageResponse<OutageResponse>>, ProblemHttpResult>> ListAsync(
        [FromServices] ReliabilityService reliability,
        [FromServices] TimeProvider time,
        string? state,
        string? feeder,
        int? pageSize,
        string? pageToken,
        CancellationToken cancellationToken)
    {
        if (ListingQuery.TryReadPage(IdPageToken.Outages, pageSize, pageToken, DefaultPageSize, out var size, out var last) is { } badPage)
        {
            return badPage;
        }

        if (ListingQuery.TryReadState<OutageState>(state, out var wanted) is { } badState)
        {
            return badState;
        }

        if (feeder is { Length: 0 or > MaxIdLength })
        {
            return ApiProblems.BadRequest.Result($"feeder is a feeder id of 1 to {MaxIdLength} characters.");
        }

        OutageId? before = last is { } id ? new OutageId(id) : null;
        var found = await reliability.Store.ListAsync(new OutageFilter(wanted, feeder), before, size + 1, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var page = found.Take(size).ToList();
        return TypedResults.Ok(new PageResponse<OutageResponse>(
            [.. page.Select(o => OutageResponse.From(o, now, null))],
            found.Count > size ? IdPageToken.Outages.Create(page[^1].Id.Value) : null));
    }

    internal static async Task<Results<Ok<OutageResponse>, ProblemHttpResult>> GetAsync(
        long id, [FromServices] ReliabilityService reliability, [FromServices] TimeProvider time, IMeterRepository meters, CancellationToken cancellationToken)
    {
        var outage = await reliability.Store.GetAsync(new OutageId(id), cancellationToken).ConfigureAwait(false);
        if (outage is null)
        {
            return ApiProblems.UnknownOutage.Result($"No outage has id {id}.");
        }

        var now = time.GetUtcNow();
        var affected = new List<AffectedMeterResponse>(Math.Min(outage.Meters.Count, MaxMetersShown));
        foreach (var meter in outage.Meters.Take(MaxMetersShown))
        {
            var serial = (await meters.GetAsync(meter.Meter, cancellationToken).ConfigureAwait(false))?.Serial;
            affected.Add(new AffectedMeterResponse(meter.Meter.Value, serial, meter.LostAt, meter.Source, meter.RestoredAt, Math.Round(meter.Duration(now).TotalMinutes, 3)));
        }

        return TypedResults.Ok(OutageResponse.From(outage, now, affected));
    }

    internal static async Task<Results<Ok<ReliabilityResponse>, ProblemHttpResult>> ReliabilityAsync(
        string id, DateTimeOffset from, DateTimeOffset to, [FromServices] ReliabilityService reliability, CancellationToken cancellationToken)
    {
        if (id.Length is 0 or > MaxIdLength)
        {
            return ApiProblems.BadRequest.Result($"A feeder id is 1 to {MaxIdLength} characters.");
        }

        if (to <= from || to - from > ReliabilityService.MaxSpan)
        {
            return ApiProblems.BadRequest.Result($"from is before to, at most {ReliabilityService.MaxSpan.TotalDays} days apart.");
        }

        var indices = await reliability.CalculateAsync(id, from, to, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new ReliabilityResponse(indices.FeederId, indices.From, indices.To, indices.CustomersServed, indices.SustainedInterruptions, indices.MomentaryInterruptions,
            indices.OngoingInterruptions, Math.Round(indices.CustomerMinutes, 3), indices.Saidi, indices.Saifi, indices.Maifi, indices.Caidi, reliability.SustainedThreshold.TotalMinutes,
            [.. indices.Outages.Select(o => o.Value)], ReliabilityResponse.MethodText));
    }
}
