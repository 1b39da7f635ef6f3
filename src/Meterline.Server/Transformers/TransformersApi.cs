using System.Text.Json;
using Meterline.HeadEnd.Analytics;
using Meterline.HeadEnd.Analytics.Balance;
using Meterline.HeadEnd.Audit;
using Meterline.HeadEnd.Meters;
using Meterline.Server.Api;
using Meterline.Server.Commands;
using Meterline.Server.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Meterline.Server.Transformers;

/// <summary>
/// Transformers over HTTP (docs/analytics.md "Energy balance"): set the meter that measures a transformer's total
/// (audited), and its balance against the consumers registered under it, with the ranked suspects.
/// </summary>
public static class TransformersApi
{
    public const int MaxBodyBytes = 1024;

    public static IEndpointRouteBuilder MapTransformers(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        if (routes.ServiceProvider.GetService<EnergyBalanceService>() is null)
        {
            return routes;
        }

        var group = routes.MapGroup("/api/transformers").WithTags("Transformers");
        group.MapGet("/{id}/balance", BalanceAsync).WithName("GetTransformerBalance")
            .WithSummary("Energy balance of a transformer over [from, to) (at most 31 days): loss per interval and day, missing consumers, ranked suspects")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPut("/{id}/meter", SetMeterAsync).WithName("SetTransformerMeter").Accepts<TransformerMeterBody>("application/json")
            .WithSummary("Set the meter (id or serial) that measures the transformer's total")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }

    internal static async Task<Results<Ok<BalanceResponse>, ProblemHttpResult>> BalanceAsync(
        string id, DateTimeOffset from, DateTimeOffset to, [FromServices] EnergyBalanceService balances, IMeterRepository meters, CancellationToken cancellationToken)
    {
        if (to <= from || to - from > EnergyBalanceService.MaxSpan)
        {
            return ApiProblems.BadRequest.Result($"from is before to, at most {EnergyBalanceService.MaxSpan.TotalDays} days apart.");
        }

        if (id.Length > 256)
        {
            return ApiProblems.BadRequest.Result("A transformer id is at most 256 characters.");
        }

        EnergyBalance? balance;
        try
        {
            balance = await balances.CalculateAsync(id, from, to, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException e)
        {
            return ApiProblems.BadRequest.Result(e.Message);
        }

        if (balance is null)
        {
            return ApiProblems.UnknownTransformer.Result($"No meter is set as transformer {id}'s meter (PUT /api/transformers/{{id}}/meter).");
        }

        var serials = new Dictionary<MeterId, string?>();
        async Task<string?> SerialAsync(MeterId meter)
        {
            if (!serials.TryGetValue(meter, out var serial))
            {
                serials[meter] = serial = (await meters.GetAsync(meter, cancellationToken).ConfigureAwait(false))?.Serial;
            }

            return serial;
        }

        var intervals = new List<BalanceIntervalResponse>(balance.Intervals.Count);
        foreach (var interval in balance.Intervals)
        {
            var missing = new List<string>(interval.MissingConsumers.Count);
            foreach (var meter in interval.MissingConsumers)
            {
                missing.Add(await SerialAsync(meter).ConfigureAwait(false) ?? meter.ToString());
            }

            intervals.Add(new BalanceIntervalResponse(interval.Time, interval.TransformerEnergy, interval.ConsumersEnergy, interval.ConsumersReported, missing, interval.Loss, interval.LossPercent));
        }

        var suspects = new List<SuspectResponse>(balance.Suspects.Count);
        foreach (var suspect in balance.Suspects)
        {
            suspects.Add(new SuspectResponse(suspects.Count + 1, suspect.Meter.Value, await SerialAsync(suspect.Meter).ConfigureAwait(false), suspect.Score, suspect.Correlation, suspect.DeficitEnergy, suspect.OpenAlerts,
                suspect.HiddenShare, suspect.Coefficient, suspect.HiddenEnergy, suspect.Confidence));
        }

        return TypedResults.Ok(new BalanceResponse(id, await SerialAsync(balance.TransformerMeter).ConfigureAwait(false), balance.Consumers.Count, from, to, balance.Total, balance.Days,
            intervals, suspects, BalanceResponse.MethodText, balance.TechnicalLossFactor));
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> SetMeterAsync(
        string id,
        HttpRequest request,
        [FromServices] ITransformerMeterStore transformers,
        [FromServices] IAuditLog audit,
        IMeterRepository meters,
        [FromServices] IOptions<JsonOptions> json,
        CancellationToken cancellationToken)
    {
        if (!RequestActor.TryGet(request, out var actor, out var actorProblem))
        {
            return actorProblem!;
        }

        if (string.IsNullOrWhiteSpace(id) || id.Length > 256)
        {
            return ApiProblems.BadRequest.Result("A transformer id is 1 to 256 characters.");
        }

        var (body, problem) = await JsonRequestBody.ReadAsync<TransformerMeterBody>(request, json.Value.SerializerOptions, MaxBodyBytes, optional: false, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        Meter? meter = body!.Meter switch
        {
            { ValueKind: JsonValueKind.Number } number when number.TryGetInt32(out var n) && n > 0 => await meters.GetAsync(new MeterId(n), cancellationToken).ConfigureAwait(false),
            { ValueKind: JsonValueKind.String } text => await MeterReference.FindAsync(meters, text.GetString()!, cancellationToken).ConfigureAwait(false),
            _ => null,
        };
        if (meter is null)
        {
            return ApiProblems.UnknownMeter.Result("meter is a registered meter's id (a positive number) or serial (a string).");
        }

        await audit.AppendAsync(actor, "transformer.meter-set", "transformer:" + id, new AuditDetail().Add("meter", meter.Serial).ToString(), cancellationToken).ConfigureAwait(false);
        await transformers.SetTransformerMeterAsync(id, meter.Id, cancellationToken).ConfigureAwait(false);
        return TypedResults.NoContent();
    }
}
