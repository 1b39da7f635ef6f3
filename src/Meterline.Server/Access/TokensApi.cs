using Meterline.HeadEnd.Access;
using Meterline.Server.Api;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using FromServicesAttribute = Microsoft.AspNetCore.Mvc.FromServicesAttribute;
using Microsoft.Extensions.Options;

namespace Meterline.Server.Access;

/// <summary>API tokens, for admins: list, create (the token's text is in the answer, once), revoke. Audited with the admin as actor.</summary>
public static class TokensApi
{
    public const int MaxBodyBytes = 4_096;

    public static IEndpointRouteBuilder MapTokens(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/tokens").WithTags("Access").RequireAuthorization(AccessPolicies.Admin);
        group.MapGet("/", ListAsync).WithName("ListTokens").WithSummary("Tokens in name order after `after`, at most `limit` (default 100): never their secrets");
        group.MapPost("/", CreateAsync).WithName("CreateToken").Accepts<TokenRequestBody>("application/json")
            .WithSummary("Create an API token: its text is in this answer and nowhere else").ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapDelete("/{name}", RevokeAsync).WithName("RevokeToken").WithSummary("Revoke a token").ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }

    internal static async Task<Results<Ok<TokenResponse[]>, ProblemHttpResult>> ListAsync(string? after, int? limit, [FromServices] AccessService access, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > IApiTokenStore.MaxLimit)
        {
            return AccessProblems.InvalidAccessRequest.Result($"limit is 1 to {IApiTokenStore.MaxLimit}.");
        }

        var tokens = await access.Tokens.ListAsync(after, limit ?? 100, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(tokens.Select(t => TokenResponse.From(t)).ToArray());
    }

    internal static async Task<Results<Created<TokenResponse>, ProblemHttpResult>> CreateAsync(
        HttpContext context, [FromServices] AccessService access, IOptions<JsonOptions> json, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonRequestBody.ReadAsync<TokenRequestBody>(context.Request, json.Value.SerializerOptions, MaxBodyBytes, optional: false, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        if (body!.Name is not { } name || !AccessRequestRoles.TryParse(body.Roles, out var roles))
        {
            return AccessProblems.InvalidAccessRequest.Result("A token has a name and roles (viewer, operator, admin, auditor, consumer).");
        }

        RequestActor.TryGet(context.Request, out var actor, out _);
        try
        {
            var created = await access.CreateTokenAsync(actor, name, roles, body.ConsumerId, body.ExpiresAt, cancellationToken).ConfigureAwait(false);
            return TypedResults.Created($"/api/tokens/{created.Token.Name}", TokenResponse.From(created.Token, created.Text));
        }
        catch (AccessException e)
        {
            return AccessProblems.For(e.Error).Result(e.Message);
        }
    }

    internal static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> RevokeAsync(string name, HttpContext context, [FromServices] AccessService access, CancellationToken cancellationToken)
    {
        RequestActor.TryGet(context.Request, out var actor, out _);
        try
        {
            return TypedResults.Ok(TokenResponse.From(await access.RevokeTokenAsync(actor, name, cancellationToken).ConfigureAwait(false)));
        }
        catch (AccessException e)
        {
            return AccessProblems.For(e.Error).Result(e.Message);
        }
    }
}
