using Meterline.HeadEnd.Access;
using Meterline.Server.Api;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using FromServicesAttribute = Microsoft.AspNetCore.Mvc.FromServicesAttribute;
using Microsoft.Extensions.Options;

namespace Meterline.Server.Access;

/// <summary>Users, for admins: list, add, set a password, disable and enable. Every change is audited with the admin as actor.</summary>
public static class UsersApi
{
    public const int MaxBodyBytes = 4_096;

    public static IEndpointRouteBuilder MapUsers(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/users").WithTags("Access").RequireAuthorization(AccessPolicies.Admin);
        group.MapGet("/", ListAsync).WithName("ListUsers").WithSummary("Users in name order after `after`, at most `limit` (default 100)");
        group.MapPost("/", AddAsync).WithName("AddUser").Accepts<UserRequestBody>("application/json").WithSummary("Add a user with a password and roles")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPut("/{name}/password", SetPasswordAsync).WithName("SetUserPassword").Accepts<PasswordChangeBody>("application/json").WithSummary("Set a user's password (ends their sessions)");
        group.MapPost("/{name}/disable", (string name, HttpContext context, [FromServices] AccessService access, CancellationToken cancellationToken) => SetDisabledAsync(name, true, context, access, cancellationToken))
            .WithName("DisableUser").WithSummary("Disable a user (ends their sessions)");
        group.MapPost("/{name}/enable", (string name, HttpContext context, [FromServices] AccessService access, CancellationToken cancellationToken) => SetDisabledAsync(name, false, context, access, cancellationToken))
            .WithName("EnableUser").WithSummary("Enable a disabled user");
        return routes;
    }

    internal static async Task<Results<Ok<UserResponse[]>, ProblemHttpResult>> ListAsync(string? after, int? limit, [FromServices] AccessService access, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > IUserStore.MaxLimit)
        {
            return AccessProblems.InvalidAccessRequest.Result($"limit is 1 to {IUserStore.MaxLimit}.");
        }

        var users = await access.Users.ListAsync(after, limit ?? 100, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(users.Select(UserResponse.From).ToArray());
    }

    internal static async Task<Results<Created<UserResponse>, ProblemHttpResult>> AddAsync(
        HttpContext context, [FromServices] AccessService access, IOptions<JsonOptions> json, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonRequestBody.ReadAsync<UserRequestBody>(context.Request, json.Value.SerializerOptions, MaxBodyBytes, optional: false, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        if (body!.Name is not { } name || body.Password is not { } password || !AccessRequestRoles.TryParse(body.Roles, out var roles))
        {
            return AccessProblems.InvalidAccessRequest.Result("A user has a name, a password and roles (viewer, operator, admin, auditor, consumer).");
        }

        RequestActor.TryGet(context.Request, out var actor, out _);
        try
        {
            var user = await access.CreateUserAsync(actor, name, password, roles, body.ConsumerId, cancellationToken).ConfigureAwait(false);
            return TypedResults.Created($"/api/users/{user.Name}", UserResponse.From(user));
        }
        catch (AccessException e)
        {
            return AccessProblems.For(e.Error).Result(e.Message);
        }
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> SetPasswordAsync(
        string name, HttpContext context, [FromServices] AccessService access, IOptions<JsonOptions> json, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonRequestBody.ReadAsync<PasswordChangeBody>(context.Request, json.Value.SerializerOptions, MaxBodyBytes, optional: false, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        if (body!.Password is not { } password)
        {
            return AccessProblems.InvalidAccessRequest.Result("The body names the new password.");
        }

        RequestActor.TryGet(context.Request, out var actor, out _);
        try
        {
            await access.ChangePasswordAsync(actor, name, password, cancellationToken).ConfigureAwait(false);
            return TypedResults.NoContent();
        }
        catch (AccessException e)
        {
            return AccessProblems.For(e.Error).Result(e.Message);
        }
    }

    private static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> SetDisabledAsync(string name, bool disabled, HttpContext context, AccessService access, CancellationToken cancellationToken)
    {
        RequestActor.TryGet(context.Request, out var actor, out _);
        try
        {
            return TypedResults.Ok(UserResponse.From(await access.SetDisabledAsync(actor, name, disabled, cancellationToken).ConfigureAwait(false)));
        }
        catch (AccessException e)
        {
            return AccessProblems.For(e.Error).Result(e.Message);
        }
    }
}
