using Meterline.HeadEnd.Access;
using Meterline.HeadEnd.Meters;
using Meterline.Server.Commands;
using Microsoft.AspNetCore.Authorization;

namespace Meterline.Server.Access;

/// <summary>
/// The <see cref="AccessPolicies.MeterReader"/> rule: staff read as under the fallback policy; a consumer reads a
/// meter (route value <c>serial</c> or <c>meter</c>) only when the meter's consumer is theirs. Another consumer's
/// meter fails with <see cref="NotOwner"/>, which the API answers 404 unknown-meter, exactly as for a meter that does
/// not exist, so that a consumer cannot learn which serials exist.
/// </summary>
public sealed class MeterOwnerRequirement : AuthorizationHandler<MeterOwnerRequirement>, IAuthorizationRequirement
{
    public const string NotOwner = "not-owner";

    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, MeterOwnerRequirement requirement)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Resource is not HttpContext http || context.User.Identity?.IsAuthenticated != true)
        {
            return;
        }

        var readers = DefaultAccessRequirement.IsSafe(http.Request.Method) ? DefaultAccessRequirement.Readers : DefaultAccessRequirement.Writers;
        if (readers.Any(r => context.User.IsInRole(r.Name())))
        {
            context.Succeed(requirement);
            return;
        }

        if (!context.User.IsInRole(AccessRole.Consumer.Name()) || !DefaultAccessRequirement.IsSafe(http.Request.Method))
        {
            return;
        }

        var consumer = context.User.FindFirst(AccessClaims.Consumer)?.Value;
        var reference = (http.GetRouteValue("serial") ?? http.GetRouteValue("meter")) as string;
        var meters = http.RequestServices.GetRequiredService<IMeterRepository>();
        var meter = reference is null ? null : await MeterReference.FindAsync(meters, reference, http.RequestAborted).ConfigureAwait(false);
        if (consumer is not null && meter is not null && string.Equals(meter.ConsumerId, consumer, StringComparison.Ordinal))
        {
            context.Succeed(requirement);
            return;
        }

        context.Fail(new AuthorizationFailureReason(this, NotOwner));
    }
}
