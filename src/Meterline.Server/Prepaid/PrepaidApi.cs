using Meterline.HeadEnd.Prepaid;
using Meterline.Server.Access;
using Meterline.Server.Api;
using Meterline.Server.Meters;
using Meterline.Server.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Meterline.Server.Prepaid;

/// <summary>
/// Prepaid accounts over HTTP (docs/prepaid.md): put a consumer on prepaid, read its account (balance, state,
/// low-balance flag, last deduction, pending disconnect) and its ledger (newest first, paged), and top it up with an
/// <c>Idempotency-Key</c> (a retried top-up is applied once); an admin credits or debits it by hand with a reason (an
/// adjustment, idempotent by key as well). The actor is the <c>X-Meterline-Actor</c> header; every change is audited.
/// </summary>
public static class PrepaidApi
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";
    public const int DefaultPageSize = 100;
    public const int MaxBodyBytes = 1024;

    public static IEndpointRouteBuilder MapPrepaid(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        if (routes.ServiceProvider.GetService<PrepaidService>() is null)
        {
            return routes;
        }

        var group = routes.MapGroup("/api/prepaid").WithTags("Prepaid");
        group.MapPut("/{consumer}", OpenAsync).WithName("OpenPrepaidAccount").WithSummary("Put a consumer on prepaid: 201 with the new account (zero balance), 200 when it has one")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/{consumer}", GetAsync).WithName("GetPrepaidAccount").WithSummary("A consumer's balance, state, low-balance flag, last deduction and pending disconnect")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{consumer}/ledger", LedgerAsync).WithName("ListPrepaidLedger").WithSummary("A consumer's ledger, newest entry first, paged")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{consumer}/top-ups", TopUpAsync).WithName("TopUpPrepaidAccount").Accepts<TopUpRequestBody>("application/json")
            .WithSummary("Credit the account ({\"amount\":500.00,\"reference\":\"…\"}, with an Idempotency-Key header): 201, or 200 with the first entry when the key was used before")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{consumer}/adjustments", AdjustAsync).WithName("AdjustPrepaidAccount").Accepts<AdjustmentRequestBody>("application/json")
            .RequireAuthorization(AccessPolicies.Admin)
            .WithSummary("Admin only: credit (positive) or debit (negative) the account with a reason ({\"amount\":-25.00,\"reason\":\"…\"}, with an Idempotency-Key header): 201, or 200 with the first entry when the key was used before; above the approval threshold 202 with the request that waits for a second admin")
            .Produces<AdjustmentRequestResponse>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        routes.MapAdjustmentRequests();
        return routes;
    }

    internal static async Task<Results<Created<PrepaidAccountResponse>, Ok<PrepaidAccountResponse>, ProblemHttpResult>> OpenAsync(
        string consumer, HttpRequest request, [FromServices] PrepaidService prepaid, CancellationToken cancellationToken)
    {
        if (!RequestActor.TryGet(request, out var actor, out var actorProblem))
        {
            return actorProblem!;
        }

        var (outcome, account, detail) = await prepaid.OpenAsync(consumer, actor, cancellationToken).ConfigureAwait(false);
        return outcome switch
        {
            AccountOpenOutcome.Opened => TypedResults.Created(Location(consumer), PrepaidAccountResponse.From(account!, prepaid.Options)),
            AccountOpenOutcome.Exists => TypedResults.Ok(PrepaidAccountResponse.From(account!, prepaid.Options)),
            _ => PrepaidProblems.AccountRefused.Result(detail ?? "Refused."),
        };
    }

    internal static async Task<Results<Ok<PrepaidAccountResponse>, ProblemHttpResult>> GetAsync(string consumer, [FromServices] PrepaidService prepaid, CancellationToken cancellationToken)
    {
        var account = await prepaid.Store.GetAsync(consumer, cancellationToken).ConfigureAwait(false);
        return account is null
            ? PrepaidProblems.UnknownAccount.Result("That consumer has no prepaid account.")
            : TypedResults.Ok(PrepaidAccountResponse.From(account, prepaid.Options));
    }

    internal static async Task<Results<Ok<PageResponse<LedgerEntryResponse>>, ProblemHttpResult>> LedgerAsync(
        string consumer, int? pageSize, string? pageToken, [FromServices] PrepaidService prepaid, CancellationToken cancellationToken)
    {
        if (ListingQuery.TryReadPage(IdPageToken.PrepaidLedger, pageSize, pageToken, DefaultPageSize, out var size, out var last) is { } badPage)
        {
            return badPage;
        }

        if (await prepaid.Store.GetAsync(consumer, cancellationToken).ConfigureAwait(false) is null)
        {
            return PrepaidProblems.UnknownAccount.Result("That consumer has no prepaid account.");
        }

        var found = await prepaid.Store.ListLedgerAsync(consumer, last, size + 1, cancellationToken).ConfigureAwait(false);
        var page = found.Take(size).Select(LedgerEntryResponse.From).ToList();
        var next = found.Count > size ? IdPageToken.PrepaidLedger.Create(page[^1].Sequence) : null;
        return TypedResults.Ok(new PageResponse<LedgerEntryResponse>(page, next));
    }

    /// <summary>The actor, the one <c>Idempotency-Key</c> and the JSON body of a keyed ledger request (a top-up or an adjustment), or the problem.</summary>
    internal static async Task<(string Actor, string Key, TBody? Body, ProblemHttpResult? Problem)> ReadKeyedAsync<TBody>(
        HttpRequest request, JsonOptions json, string what, CancellationToken cancellationToken)
        where TBody : class
    {
        if (!RequestActor.TryGet(request, out var actor, out var actorProblem))
        {
            return ("", "", null, actorProblem!);
        }

        var keys = request.Headers[IdempotencyKeyHeader];
        if (keys.Count != 1 || string.IsNullOrWhiteSpace(keys[0]))
        {
            return (actor, "", null, PrepaidProblems.IdempotencyKeyRequired.Result($"{what} carries one {IdempotencyKeyHeader} header (1 to 128 printable characters), so that a retry is applied once."));
        }

        var (body, problem) = await JsonRequestBody.ReadAsync<TBody>(request, json.SerializerOptions, MaxBodyBytes, optional: false, cancellationToken).ConfigureAwait(false);
        return (actor, keys[0]!, body, problem);
    }

    internal static async Task<Results<Created<TopUpResponse>, Ok<TopUpResponse>, ProblemHttpResult>> TopUpAsync(
        string consumer,
        HttpRequest request,
        [FromServices] PrepaidService prepaid,
        [FromServices] IOptions<JsonOptions> json,
        CancellationToken cancellationToken)
    {
        var (actor, key, body, problem) = await ReadKeyedAsync<TopUpRequestBody>(request, json.Value, "A top-up", cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        if (body!.Amount is not { } amount)
        {
            return PrepaidProblems.InvalidTopUp.Result("amount is required.");
        }

        var result = await prepaid.TopUpAsync(consumer, amount, key, body.Reference, actor, cancellationToken).ConfigureAwait(false);
        return result.Outcome switch
        {
            TopUpOutcome.Applied => TypedResults.Created(Location(consumer) + "/ledger", Response(result, prepaid, repeated: false)),
            TopUpOutcome.Duplicate => TypedResults.Ok(Response(result, prepaid, repeated: true)),
            TopUpOutcome.KeyReused => ApiProblems.IdempotencyKeyReused.Result(result.Detail ?? "The idempotency key was used for another top-up."),
            TopUpOutcome.UnknownAccount => PrepaidProblems.UnknownAccount.Result(result.Detail ?? "That consumer has no prepaid account."),
            _ => PrepaidProblems.InvalidTopUp.Result(result.Detail ?? "Invalid top-up."),
        };
    }

    internal static async Task<Results<Created<TopUpResponse>, Ok<TopUpResponse>, Accepted<AdjustmentRequestResponse>, ProblemHttpResult>> AdjustAsync(
        string consumer,
        HttpRequest request,
        [FromServices] PrepaidService prepaid,
        [FromServices] IOptions<JsonOptions> json,
        CancellationToken cancellationToken)
    {
        var (actor, key, body, problem) = await ReadKeyedAsync<AdjustmentRequestBody>(request, json.Value, "An adjustment", cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        if (body!.Amount is not { } amount)
        {
            return PrepaidProblems.InvalidAdjustment.Result("amount is required: positive to credit, negative to debit.");
        }

        var result = await prepaid.AdjustAsync(consumer, amount, body.Reason, key, actor, cancellationToken).ConfigureAwait(false);
        return result.Outcome switch
        {
            AdjustmentOutcome.Applied => TypedResults.Created(Location(consumer) + "/ledger", Response(result.Entry!, result.Account!, prepaid, repeated: false)),
            AdjustmentOutcome.Duplicate => TypedResults.Ok(Response(result.Entry!, result.Account!, prepaid, repeated: true)),
            AdjustmentOutcome.AwaitingApproval => TypedResults.Accepted(AdjustmentRequestsApi.Path + "/" + result.Request!.Id, AdjustmentRequestResponse.From(result.Request)),
            AdjustmentOutcome.KeyReused => ApiProblems.IdempotencyKeyReused.Result(result.Detail ?? "The idempotency key was used for another entry."),
            AdjustmentOutcome.UnknownAccount => PrepaidProblems.UnknownAccount.Result(result.Detail ?? "That consumer has no prepaid account."),
            _ => PrepaidProblems.InvalidAdjustment.Result(result.Detail ?? "Invalid adjustment."),
        };
    }

    private static TopUpResponse Response(LedgerEntry entry, PrepaidAccount account, PrepaidService prepaid, bool repeated) =>
        new(LedgerEntryResponse.From(entry), PrepaidAccountResponse.From(account, prepaid.Options), repeated);

    private static TopUpResponse Response(TopUpResult result, PrepaidService prepaid, bool repeated) =>
        new(LedgerEntryResponse.From(result.Entry!), PrepaidAccountResponse.From(result.Account!, prepaid.Options), repeated);

    private static string Location(string consumer) => "/api/prepaid/" + Uri.EscapeDataString(consumer);
}
