using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;
using Meterline.Server.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Meterline.Server.Access;

namespace Meterline.Server.Events;

/// <summary>Meter events over HTTP: of one meter or of the whole fleet, newest first, time-boxed.</summary>
public static class EventsApi
{
    public const int MaxLimit = 10_000;

    public static readonly TimeSpan MaxSpan = TimeSpan.FromDays(400);

    public static IEndpointRouteBuilder MapEvents(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.MapGet("/api/events", ListAsync).WithTags("Events").WithName("ListEvents").WithSummary("Events of every meter in [from, to), newest first");
        routes.MapGet("/api/meters/{serial}/events", ListForMeterAsync).WithTags("Events").WithName("ListMeterEvents").RequireAuthorization(AccessPolicies.MeterReader).WithSummary("Events of one meter in [from, to), newest first");
        return routes;
    }

    internal static Task<Results<Ok<IReadOnlyList<EventResponse>>, ProblemHttpResult>> ListAsync(
        IMeterRepository meters, IReadingStore readings, ProfileCatalog profiles, DateTimeOffset from, DateTimeOffset to, int? limit, CancellationToken cancellationToken) =>
        QueryAsync(meters, readings, profiles, null, from, to, limit, cancellationToken);

    internal static async Task<Results<Ok<IReadOnlyList<EventResponse>>, ProblemHttpResult>> ListForMeterAsync(
        IMeterRepository meters, IReadingStore readings, ProfileCatalog profiles, string serial, DateTimeOffset from, DateTimeOffset to, int? limit, CancellationToken cancellationToken)
    {
        var meter = await meters.FindBySerialAsync(serial, cancellationToken).ConfigureAwait(false);
        return meter is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such meter", detail: $"No meter has serial '{serial}'.")
            : await QueryAsync(meters, readings, profiles, meter, from, to, limit, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<Results<Ok<IReadOnlyList<EventResponse>>, ProblemHttpResult>> QueryAsync(
        IMeterRepository meters, IReadingStore readings, ProfileCatalog profiles, Meter? meter, DateTimeOffset from, DateTimeOffset to, int? limit, CancellationToken cancellationToken)
    {
        var count = limit ?? 100;
        if (count is < 1 or > MaxLimit)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad limit", detail: $"limit is 1 to {MaxLimit}.");
        }

        if (to <= from || to - from > MaxSpan)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad time range", detail: $"to must follow from, by at most {MaxSpan.TotalDays} days.");
        }

        var events = await readings.GetEventsAsync(meter?.Id, from, to, count, cancellationToken).ConfigureAwait(false);
        var owners = new Dictionary<MeterId, Meter?>();
        var result = new List<EventResponse>(events.Count);
        foreach (var e in events)
        {
            if (!owners.TryGetValue(e.Meter, out var owner))
            {
                owner = meter ?? await meters.GetAsync(e.Meter, cancellationToken).ConfigureAwait(false);
                owners[e.Meter] = owner;
            }

            var values = e.Values.GroupBy(v => v.Quantity.Name).ToDictionary(g => g.Key, g => g.First().Value);
            result.Add(new EventResponse(owner?.Serial ?? e.Meter.ToString(), e.OccurredAt, e.Code, profiles.EventName(owner?.ProfileId, e.Code), values, e.ReceivedAt));
        }

        return TypedResults.Ok<IReadOnlyList<EventResponse>>(result);
    }
}
