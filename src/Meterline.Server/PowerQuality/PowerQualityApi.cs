using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.PowerQuality;
using Meterline.Server.Commands;
using Meterline.Server.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Meterline.Server.PowerQuality;

/// <summary>
/// Power quality over HTTP (docs/outages.md): a meter's summary (intervals and minutes out of the voltage band,
/// minimum, maximum and mean voltage, low power factor readings, the meter's voltage events) and a feeder's.
/// </summary>
public static class PowerQualityApi
{
    public const int MaxIdLength = 256;

    public static IEndpointRouteBuilder MapPowerQuality(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        if (routes.ServiceProvider.GetService<PowerQualityReports>() is null)
        {
            return routes;
        }

        routes.MapGet("/api/meters/{serial}/power-quality", MeterAsync).WithTags("Power quality").WithName("GetMeterPowerQuality")
            .WithSummary("A meter's power quality over [from, to) (at most 31 days)").ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        routes.MapGet("/api/feeders/{id}/power-quality", FeederAsync).WithTags("Power quality").WithName("GetFeederPowerQuality")
            .WithSummary("A feeder's power quality over [from, to) (at most 31 days): the total and each meter, worst first").ProducesProblem(StatusCodes.Status400BadRequest);
        return routes;
    }

    internal static async Task<Results<Ok<PowerQualityResponse>, ProblemHttpResult>> MeterAsync(
        string serial, DateTimeOffset from, DateTimeOffset to, [FromServices] PowerQualityReports reports, IMeterRepository meters, CancellationToken cancellationToken)
    {
        if (BadSpan(from, to) is { } bad)
        {
            return bad;
        }

        var meter = await MeterReference.FindAsync(meters, serial, cancellationToken).ConfigureAwait(false);
        if (meter is null)
        {
            return ApiProblems.UnknownMeter.Result("No meter is registered with that serial or id.");
        }

        var summary = await reports.MeterAsync(meter.Id, from, to, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(PowerQualityResponse.Create(meter.Serial, summary, reports.Options));
    }

    internal static async Task<Results<Ok<FeederPowerQualityResponse>, ProblemHttpResult>> FeederAsync(
        string id, DateTimeOffset from, DateTimeOffset to, [FromServices] PowerQualityReports reports, CancellationToken cancellationToken)
    {
        if (id.Length is 0 or > MaxIdLength)
        {
            return ApiProblems.BadRequest.Result($"A feeder id is 1 to {MaxIdLength} characters.");
        }

        if (BadSpan(from, to) is { } bad)
        {
            return bad;
        }

        var feeder = await reports.FeederAsync(id, from, to, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new FeederPowerQualityResponse(feeder.FeederId, feeder.From, feeder.To, feeder.Meters, feeder.MetersWithData, feeder.MetersWithExcursions,
            PowerQualityResponse.Create(null, feeder.Total, reports.Options), [.. feeder.ByMeter.Select(m => PowerQualityResponse.Create(m.Serial, m.Summary, reports.Options))]));
    }

    private static ProblemHttpResult? BadSpan(DateTimeOffset from, DateTimeOffset to) =>
        to <= from || to - from > PowerQualityReports.MaxSpan
            ? ApiProblems.BadRequest.Result($"from is before to, at most {PowerQualityReports.MaxSpan.TotalDays} days apart.")
            : null;
}
