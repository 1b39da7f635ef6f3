using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;
using Meterline.Server.Meters;
using Microsoft.AspNetCore.Http.HttpResults;
using Meterline.Server.Access;

namespace Meterline.Server.Readings;

/// <summary>A meter's interval readings over HTTP: time-boxed ([from, to), at most 400 days) and paged.</summary>
public static class ReadingsApi
{
    public static IEndpointRouteBuilder MapReadings(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.MapGet("/api/meters/{serial}/readings", QueryAsync).WithTags("Readings").WithName("GetReadings").RequireAuthorization(AccessPolicies.MeterReader)
            .WithSummary("Interval readings of one meter in [from, to), optionally of one quantity (OBIS code), paged");
        return routes;
    }

    internal static async Task<Results<Ok<PageResponse<ReadingResponse>>, ProblemHttpResult>> QueryAsync(
        IMeterRepository meters,
        IReadingStore readings,
        string serial,
        DateTimeOffset from,
        DateTimeOffset to,
        string? obis,
        int? pageSize,
        string? pageToken,
        CancellationToken cancellationToken)
    {
        var meter = await meters.FindBySerialAsync(serial, cancellationToken).ConfigureAwait(false);
        if (meter is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such meter", detail: $"No meter has serial '{serial}'.");
        }

        IReadOnlyList<Quantity>? quantities = null;
        if (obis is not null)
        {
            if (!Quantity.TryFromObis(obis, out var quantity))
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Unknown quantity", detail: $"No stored quantity has OBIS code '{obis}'.");
            }

            quantities = [quantity];
        }

        ReadingQuery query;
        try
        {
            query = new ReadingQuery(meter.Id, from, to, quantities, pageSize ?? 1000, pageToken);
        }
        catch (ArgumentException e)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad reading query", detail: e.Message);
        }

        try
        {
            var page = await readings.QueryAsync(query, cancellationToken).ConfigureAwait(false);
            return TypedResults.Ok(new PageResponse<ReadingResponse>(page.Items.Select(ReadingResponse.From).ToList(), page.NextPageToken));
        }
        catch (ArgumentException)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad page token", detail: "pageToken is not one this server gave.");
        }
    }
}
