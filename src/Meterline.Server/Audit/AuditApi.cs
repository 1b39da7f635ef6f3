using Meterline.HeadEnd.Audit;
using Meterline.Server.Api;
using Meterline.Server.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Meterline.Server.Access;

namespace Meterline.Server.Audit;

/// <summary>
/// The audit log over HTTP: its entries in sequence order, paged by sequence, and a verification of the whole hash
/// chain (one at a time: a second request while one runs is refused with 429 and Retry-After).
/// </summary>
public static class AuditApi
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1000;
    private const int MaxVerifyBodyBytes = 4096;

    public static IEndpointRouteBuilder MapAudit(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        var gate = new SemaphoreSlim(1, 1);
        var group = routes.MapGroup("/api/audit").WithTags("Audit").RequireAuthorization(AccessPolicies.Audit);
        group.MapGet("/", ListAsync).WithName("ListAudit").WithSummary("Audit entries after a sequence, in order, paged")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapPost("/verify", (HttpRequest request, IAuditStore store, IOptions<JsonOptions> json, CancellationToken cancellationToken) =>
                VerifyAsync(request, store, json, gate, cancellationToken))
            .WithName("VerifyAudit").Accepts<AuditVerifyRequest>("application/json")
            .WithSummary("Verify the whole hash chain (optionally that it still holds an anchor entry): intact, or the first break")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status429TooManyRequests);
        return routes;
    }

    internal static async Task<Results<Ok<AuditPageResponse>, ProblemHttpResult>> ListAsync(IAuditStore audit, long? after, int? pageSize, CancellationToken cancellationToken)
    {
        var size = pageSize ?? DefaultPageSize;
        if (size is < 1 or > MaxPageSize)
        {
            return ApiProblems.InvalidPaging.Result($"pageSize is 1 to {MaxPageSize}.");
        }

        var from = after ?? 0;
        if (from < 0)
        {
            return ApiProblems.InvalidPaging.Result("after is a sequence number, 0 or more.");
        }

        var items = new List<AuditRecordResponse>(size);
        var more = false;
        await foreach (var record in audit.ReadAsync(from + 1, cancellationToken).ConfigureAwait(false))
        {
            if (items.Count == size)
            {
                more = true;
                break;
            }

            items.Add(AuditRecordResponse.From(record));
        }

        return TypedResults.Ok(new AuditPageResponse(items, more ? items[^1].Sequence : null));
    }

    internal static async Task<Results<Ok<AuditVerificationResponse>, ProblemHttpResult>> VerifyAsync(
        HttpRequest request, [FromServices] IAuditStore store, [FromServices] IOptions<JsonOptions> json, SemaphoreSlim gate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(gate);
        var (body, problem) = await JsonRequestBody.ReadAsync<AuditVerifyRequest>(request, json.Value.SerializerOptions, MaxVerifyBodyBytes, optional: true, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        AuditAnchor? anchor = null;
        if (body?.Anchor is { } given)
        {
            var hash = given.Hash is { Length: 2 * AuditRecord.HashLength } hex && hex.All(char.IsAsciiHexDigit) ? Convert.FromHexString(hex) : null;
            if (given.Sequence < 1 || hash is null)
            {
                return ApiProblems.BadRequest.Result($"anchor is {{\"sequence\": n ≥ 1, \"hash\": {2 * AuditRecord.HashLength} hex digits}}.");
            }

            anchor = new AuditAnchor(given.Sequence, hash);
        }

        if (!await gate.WaitAsync(0, cancellationToken).ConfigureAwait(false))
        {
            request.HttpContext.Response.Headers.RetryAfter = "5";
            return ApiProblems.VerificationBusy.Result("Another verification of the audit log is running; try again when it ends.");
        }

        try
        {
            var verification = await new AuditVerifier(store).VerifyAsync(anchor, cancellationToken).ConfigureAwait(false);
            return TypedResults.Ok(AuditVerificationResponse.From(verification));
        }
        finally
        {
            gate.Release();
        }
    }
}
