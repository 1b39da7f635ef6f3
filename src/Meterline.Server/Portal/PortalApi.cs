using System.Text;
using Meterline.HeadEnd.Access;
using Meterline.HeadEnd.Audit;
using Meterline.HeadEnd.Prepaid;
using Meterline.Server.Access;
using Meterline.Server.Billing;
using Meterline.Server.Prepaid;
using Meterline.Server.Problems;
using Meterline.Web.Portal;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Meterline.Server.Portal;

/// <summary>
/// The consumer portal's API (docs/web.md, "Consumer portal"): everything scoped on the server by the signed-in
/// principal's consumer id, for consumers only (<see cref="AccessPolicies.Consumer"/>). Another consumer's meter or
/// bill answers exactly as one that does not exist — 404 <c>unknown-meter</c> or <c>unknown-bill</c> — and the request
/// is audited as <c>access.denied.not-owner</c>. The printable bill (<c>/my/bills/{number}</c>) is the operators'
/// printable page, for the consumer's own bills only.
/// </summary>
public static class PortalApi
{
    public static IEndpointRouteBuilder MapPortal(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        if (routes.ServiceProvider.GetService<ConsumerPortal>() is null)
        {
            return routes;
        }

        var me = routes.MapGroup("/api/me").WithTags("Portal").RequireAuthorization(AccessPolicies.Consumer);
        me.MapGet("", MeAsync).WithName("GetMe").WithSummary("The signed-in consumer: name, consumer id, meters");
        me.MapGet("/meters/{serial}", MeterAsync).WithName("GetMyMeter")
            .WithSummary("One of my meters: cost so far this month, energy per day (30 days) and per month (12 months)").ProducesProblem(StatusCodes.Status404NotFound);
        me.MapGet("/meters/{serial}/bills", BillsAsync).WithName("ListMyBills").WithSummary("My meter's bills, newest first").ProducesProblem(StatusCodes.Status404NotFound);
        me.MapGet("/bills/{number}", BillAsync).WithName("GetMyBill").WithSummary("One of my bills").ProducesProblem(StatusCodes.Status404NotFound);
        me.MapGet("/prepaid", PrepaidAsync).WithName("GetMyPrepaid").WithSummary("My prepaid balance and newest ledger entries").ProducesProblem(StatusCodes.Status404NotFound);
        me.MapPost("/prepaid/top-ups", TopUpAsync).WithName("TopUpMyPrepaid").Accepts<TopUpRequestBody>("application/json")
            .WithSummary("Record a payment I made to my prepaid account ({\"amount\":500.00,\"reference\":\"…\"}, with an Idempotency-Key header), when the node takes consumers' top-ups: 201, or 200 with the first entry when the key was used before")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        routes.MapGet("/my/bills/{number}", PrintableAsync).WithTags("Portal").WithName("PrintMyBill").RequireAuthorization(AccessPolicies.Consumer)
            .WithSummary("One of my bills as a printable HTML page").Produces(StatusCodes.Status200OK, contentType: "text/html").ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }

    internal static async Task<Ok<MeResponse>> MeAsync([FromServices] IPortalConsumer consumer, [FromServices] ConsumerPortal portal, CancellationToken cancellationToken)
    {
        var id = ConsumerOf(consumer);
        var meters = await portal.MetersAsync(id, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new MeResponse(consumer.Actor, id, [.. meters.Select(m => m.Serial)]));
    }

    internal static async Task<Results<Ok<MyMeterResponse>, ProblemHttpResult>> MeterAsync(
        string serial, HttpContext context, [FromServices] IPortalConsumer consumer, [FromServices] ConsumerPortal portal, CancellationToken cancellationToken)
    {
        var meter = await portal.FindMeterAsync(ConsumerOf(consumer), serial, cancellationToken).ConfigureAwait(false);
        if (meter is null)
        {
            return await NotOwnedAsync(context, consumer, ApiProblems.UnknownMeter, "No meter is registered with that serial or id.", cancellationToken).ConfigureAwait(false);
        }

        var cost = await portal.CostSoFarAsync(meter, cancellationToken).ConfigureAwait(false);
        var usage = await portal.UsageAsync(meter, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new MyMeterResponse(meter.Serial, usage.Latest, cost is null ? null : CostSoFarResponse.From(cost),
            [.. usage.Days.Select(d => new UsageBarResponse(d.Title, d.Kwh))], [.. usage.Months.Select(m => new UsageBarResponse(m.Title, m.Kwh))]));
    }

    internal static async Task<Results<Ok<List<BillResponse>>, ProblemHttpResult>> BillsAsync(
        string serial, HttpContext context, [FromServices] IPortalConsumer consumer, [FromServices] ConsumerPortal portal, CancellationToken cancellationToken)
    {
        var meter = await portal.FindMeterAsync(ConsumerOf(consumer), serial, cancellationToken).ConfigureAwait(false);
        if (meter is null)
        {
            return await NotOwnedAsync(context, consumer, ApiProblems.UnknownMeter, "No meter is registered with that serial or id.", cancellationToken).ConfigureAwait(false);
        }

        var bills = await portal.BillsAsync(meter, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(bills.Select(BillResponse.From).ToList());
    }

    internal static async Task<Results<Ok<BillResponse>, ProblemHttpResult>> BillAsync(
        string number, HttpContext context, [FromServices] IPortalConsumer consumer, [FromServices] ConsumerPortal portal, CancellationToken cancellationToken)
    {
        var bill = await portal.FindBillAsync(ConsumerOf(consumer), number, cancellationToken).ConfigureAwait(false);
        return bill is null
            ? await NotOwnedAsync(context, consumer, BillingProblems.UnknownBill, "No bill has that number.", cancellationToken).ConfigureAwait(false)
            : TypedResults.Ok(BillResponse.From(bill));
    }

    internal static async Task<Results<ContentHttpResult, ProblemHttpResult>> PrintableAsync(
        string number, HttpContext context, [FromServices] IPortalConsumer consumer, [FromServices] ConsumerPortal portal, CancellationToken cancellationToken)
    {
        var bill = await portal.FindBillAsync(ConsumerOf(consumer), number, cancellationToken).ConfigureAwait(false);
        if (bill is null)
        {
            return await NotOwnedAsync(context, consumer, BillingProblems.UnknownBill, "No bill has that number.", cancellationToken).ConfigureAwait(false);
        }

        context.Response.Headers.ContentSecurityPolicy = BillPage.ContentSecurityPolicy;
        return TypedResults.Text(BillPage.Render(bill), "text/html; charset=utf-8", Encoding.UTF8);
    }

    internal static async Task<Results<Ok<MyPrepaidResponse>, ProblemHttpResult>> PrepaidAsync(
        [FromServices] IPortalConsumer consumer, [FromServices] ConsumerPortal portal, [FromServices] IServiceProvider services, CancellationToken cancellationToken)
    {
        var view = await portal.PrepaidAsync(ConsumerOf(consumer), cancellationToken).ConfigureAwait(false);
        if (view is null || services.GetService<PrepaidService>() is not { } prepaid)
        {
            return PrepaidProblems.UnknownAccount.Result("You have no prepaid account.");
        }

        return TypedResults.Ok(new MyPrepaidResponse(PrepaidAccountResponse.From(view.Account, prepaid.Options), [.. view.Ledger.Select(LedgerEntryResponse.From)]));
    }

    /// <summary>
    /// A consumer's own top-up: recorded on the account of the principal's consumer id only (the route names no account,
    /// so another's cannot be addressed), with the consumer as actor, audited <c>prepaid.top-up</c>, applied once per
    /// <c>Idempotency-Key</c>. Refused (409 <c>consumer-top-up-off</c>, audited <c>prepaid.top-up.refused</c>) unless <see cref="PortalOptions.ConsumerTopUp"/>.
    /// </summary>
    internal static async Task<Results<Created<TopUpResponse>, Ok<TopUpResponse>, ProblemHttpResult>> TopUpAsync(
        HttpRequest request,
        [FromServices] IPortalConsumer consumer,
        [FromServices] ConsumerPortal portal,
        [FromServices] IServiceProvider services,
        [FromServices] IOptions<JsonOptions> json,
        CancellationToken cancellationToken)
    {
        var id = ConsumerOf(consumer);
        if (!portal.Options.ConsumerTopUp)
        {
            await services.GetRequiredService<DenialAuditor>().ReportAsync(RequestSource.Of(request.HttpContext), "prepaid.top-up.refused", consumer.Actor,
                $"{request.Method} {request.Path}", new AuditDetail().Add("status", PortalProblems.TopUpOff.Status).Add("via", "portal").Add("reason", PortalProblems.TopUpOff.Name), cancellationToken).ConfigureAwait(false);
            return PortalProblems.TopUpOff.Result("This node does not take top-ups from consumers; pay through the utility's payment channels.");
        }

        if (services.GetService<PrepaidService>() is not { } prepaid)
        {
            return PrepaidProblems.UnknownAccount.Result("You have no prepaid account.");
        }

        var (_, key, body, problem) = await PrepaidApi.ReadKeyedAsync<TopUpRequestBody>(request, json.Value, "A top-up", cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        if (body!.Amount is not { } amount)
        {
            return PrepaidProblems.InvalidTopUp.Result("amount is required.");
        }

        var result = await portal.TopUpAsync(id, amount, key, body.Reference, consumer.Actor, cancellationToken).ConfigureAwait(false);
        return result.Outcome switch
        {
            TopUpOutcome.Applied => TypedResults.Created("/api/me/prepaid", TopUpResponseOf(result, prepaid, repeated: false)),
            TopUpOutcome.Duplicate => TypedResults.Ok(TopUpResponseOf(result, prepaid, repeated: true)),
            TopUpOutcome.KeyReused => ApiProblems.IdempotencyKeyReused.Result(result.Detail ?? "The idempotency key was used for another top-up."),
            TopUpOutcome.UnknownAccount => PrepaidProblems.UnknownAccount.Result("You have no prepaid account."),
            _ => PrepaidProblems.InvalidTopUp.Result(result.Detail ?? "Invalid top-up."),
        };
    }

    private static TopUpResponse TopUpResponseOf(TopUpResult result, PrepaidService prepaid, bool repeated) =>
        new(LedgerEntryResponse.From(result.Entry!), PrepaidAccountResponse.From(result.Account!, prepaid.Options), repeated);

    /// <summary>The policy admits only principals with a consumer claim, so a consumer id is always there.</summary>
    private static string ConsumerOf(IPortalConsumer consumer) =>
        consumer.ConsumerId ?? throw new InvalidOperationException("The consumer policy let in a principal without a consumer id.");

    private static async Task<ProblemHttpResult> NotOwnedAsync(HttpContext context, IPortalConsumer consumer, ApiProblem problem, string detail, CancellationToken cancellationToken)
    {
        await consumer.ReportNotOwnerAsync($"{context.Request.Method} {context.Request.Path}", cancellationToken).ConfigureAwait(false);
        return problem.Result(detail);
    }
}
