using System.Text;
using Meterline.HeadEnd.Billing;
using Meterline.HeadEnd.Meters;
using Meterline.Server.Api;
using Meterline.Server.Commands;
using Meterline.Server.Meters;
using Meterline.Server.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;
using Meterline.Server.Access;

namespace Meterline.Server.Billing;

/// <summary>
/// Bills over HTTP (on a node, which has a <see cref="BillingService"/>): a meter's bills, one bill as JSON or as a
/// printable HTML page, issuing a month's bill (201 with its Location; a month already billed is 409 unless
/// <c>reissue</c>), and the tariffs. A meter is named by serial or id (<see cref="MeterReference"/>).
/// </summary>
public static class BillingApi
{
    public const int DefaultLimit = 100;
    public const int MaxBodyBytes = 1024;

    public static IEndpointRouteBuilder MapBilling(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        if (routes.ServiceProvider.GetService<BillingService>() is null)
        {
            return routes;
        }

        routes.MapGet("/api/meters/{meter}/bills", ListAsync).WithTags("Billing").WithName("ListBills").RequireAuthorization(AccessPolicies.MeterReader)
            .WithSummary("A meter's bills, newest month and revision first").ProducesProblem(StatusCodes.Status404NotFound);
        routes.MapPost("/api/meters/{meter}/bills", IssueAsync).WithTags("Billing").WithName("IssueBill").Accepts<BillIssueRequestBody>("application/json")
            .WithSummary("Issue a month's bill ({\"month\":\"yyyy-MM\"}, \"reissue\":true for a new revision); 201 with its Location")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        routes.MapGet("/api/bills", ListMonthAsync).WithTags("Billing").WithName("ListMonthBills")
            .WithSummary("A month's bills of every meter (?month=yyyy-MM), in bill-number order, paged by pageSize and pageToken")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        routes.MapGet("/api/bills/{number}", GetAsync).WithTags("Billing").WithName("GetBill").WithSummary("One bill as issued").ProducesProblem(StatusCodes.Status404NotFound);
        routes.MapGet("/api/tariffs", ListTariffs).WithTags("Billing").WithName("ListTariffs").WithSummary("The tariffs the node bills with");
        routes.MapGet("/bills/{number}", PrintableAsync).WithTags("Billing").WithName("PrintBill").WithSummary("One bill as a printable HTML page")
            .Produces(StatusCodes.Status200OK, contentType: "text/html").ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }

    internal static async Task<Results<Ok<List<BillResponse>>, ProblemHttpResult>> ListAsync(
        string meter, int? limit, [FromServices] IMeterRepository meters, [FromServices] IBillStore bills, CancellationToken cancellationToken)
    {
        var size = limit ?? DefaultLimit;
        if (size is < 1 or > 1000)
        {
            return ApiProblems.InvalidPaging.Result("limit is 1 to 1000.");
        }

        var found = await MeterReference.FindAsync(meters, meter, cancellationToken).ConfigureAwait(false);
        if (found is null)
        {
            return ApiProblems.UnknownMeter.Result("No meter is registered with that serial or id.");
        }

        var list = await bills.ListAsync(found.Id, size, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(list.Select(BillResponse.From).ToList());
    }

    internal static async Task<Results<Ok<PageResponse<BillResponse>>, ProblemHttpResult>> ListMonthAsync(
        string? month, int? pageSize, string? pageToken, [FromServices] IBillStore bills, CancellationToken cancellationToken)
    {
        if (!BillingMonth.TryParse(month, out var billingMonth))
        {
            return BillingProblems.InvalidMonth.Result("month is a month of the form yyyy-MM, e.g. 2026-03.");
        }

        var size = pageSize ?? DefaultLimit;
        if (size is < 1 or > 1000 || pageToken is { Length: 0 or > Bill.MaxNumberLength })
        {
            return ApiProblems.InvalidPaging.Result("pageSize is 1 to 1000; pageToken is the nextPageToken of the previous page.");
        }

        var list = await bills.ListMonthAsync(billingMonth, pageToken, size, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new PageResponse<BillResponse>([.. list.Select(BillResponse.From)], list.Count == size ? list[^1].Number : null));
    }

    internal static async Task<Results<Created<BillResponse>, ProblemHttpResult>> IssueAsync(
        string meter,
        HttpRequest request,
        [FromServices] BillingService billing,
        [FromServices] IMeterRepository meters,
        [FromServices] IOptions<JsonOptions> json,
        CancellationToken cancellationToken)
    {
        if (!RequestActor.TryGet(request, out var actor, out var actorProblem))
        {
            return actorProblem!;
        }

        var (body, problem) = await JsonRequestBody.ReadAsync<BillIssueRequestBody>(request, json.Value.SerializerOptions, MaxBodyBytes, optional: false, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        if (!BillingMonth.TryParse(body!.Month, out var month))
        {
            return BillingProblems.InvalidMonth.Result("month is a month of the form yyyy-MM, e.g. 2026-03.");
        }

        var found = await MeterReference.FindAsync(meters, meter, cancellationToken).ConfigureAwait(false);
        if (found is null)
        {
            return ApiProblems.UnknownMeter.Result("No meter is registered with that serial or id.");
        }

        var result = await billing.IssueAsync(found.Id, month, body.Reissue ?? false, actor, cancellationToken).ConfigureAwait(false);
        return result.Outcome == BillIssueOutcome.Issued
            ? TypedResults.Created("/api/bills/" + Uri.EscapeDataString(result.Bill!.Number), BillResponse.From(result.Bill))
            : BillingProblems.For(result.Outcome).Result(result.Detail ?? result.Outcome.ToString());
    }

    internal static async Task<Results<Ok<BillResponse>, ProblemHttpResult>> GetAsync(string number, [FromServices] IBillStore bills, CancellationToken cancellationToken)
    {
        var bill = await bills.GetAsync(number, cancellationToken).ConfigureAwait(false);
        return bill is null ? UnknownBill() : TypedResults.Ok(BillResponse.From(bill));
    }

    internal static async Task<Results<ContentHttpResult, ProblemHttpResult>> PrintableAsync(string number, HttpResponse response, [FromServices] IBillStore bills, CancellationToken cancellationToken)
    {
        var bill = await bills.GetAsync(number, cancellationToken).ConfigureAwait(false);
        if (bill is null)
        {
            return UnknownBill();
        }

        response.Headers.ContentSecurityPolicy = BillPage.ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        return TypedResults.Text(BillPage.Render(bill), "text/html; charset=utf-8", Encoding.UTF8);
    }

    internal static Ok<List<TariffResponse>> ListTariffs([FromServices] BillingService billing) =>
        TypedResults.Ok(billing.Tariffs.Tariffs.Select(t => TariffResponse.From(t, billing.Tariffs)).ToList());

    private static ProblemHttpResult UnknownBill() => BillingProblems.UnknownBill.Result("No bill has that number.");
}
