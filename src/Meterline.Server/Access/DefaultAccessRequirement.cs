using Meterline.HeadEnd.Access;
using Microsoft.AspNetCore.Authorization;

namespace Meterline.Server.Access;

/// <summary>
/// The fallback policy's rule, for every endpoint that names no policy (including those other parts add): reading
/// (GET, HEAD) is for viewer, operator, admin and auditor; anything else for operator and admin. Consumers get nothing
/// here — they reach only <see cref="AccessPolicies.MeterReader"/> endpoints.
/// </summary>
public sealed class DefaultAccessRequirement : AuthorizationHandler<DefaultAccessRequirement>, IAuthorizationRequirement
{
    public static readonly AccessRole[] Readers = [AccessRole.Viewer, AccessRole.Operator, AccessRole.Admin, AccessRole.Auditor];
    public static readonly AccessRole[] Writers = [AccessRole.Operator, AccessRole.Admin];

    public static bool IsSafe(string method) => HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method);

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, DefaultAccessRequirement requirement)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Resource is HttpContext http && context.User.Identity?.IsAuthenticated == true)
        {
            var allowed = IsSafe(http.Request.Method) ? Readers : Writers;
            if (allowed.Any(r => context.User.IsInRole(r.Name())))
            {
                context.Succeed(requirement);
            }
        }

        return Task.CompletedTask;
    }
}
