using Meterline.HeadEnd.Access;
using Meterline.Server.Portal;
using Meterline.Web;
using Meterline.Web.Portal;
using Meterline.Web.Shell;
using Microsoft.AspNetCore.Components.Authorization;

namespace Meterline.Server.Access;

/// <summary>
/// Puts the operator app behind the access layer (docs/web.md, docs/access.md): its page roles mapped to access roles
/// and policies, and the signed-in user as the app's <see cref="IOperatorIdentity"/>. Call
/// <see cref="AddOperatorAppAccess"/> before <see cref="OperatorApp.AddOperatorApp"/>, which then keeps that identity.
/// </summary>
public static class OperatorAppAccess
{
    public static IServiceCollection AddOperatorAppAccess(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddHttpContextAccessor();
        services.AddScoped<AuthenticationStateProvider, CircuitSessionRevalidation>();
        services.AddScoped<IOperatorIdentity, SignedInOperator>();
        services.AddScoped<IPortalConsumer, SignedInConsumer>();
        return services;
    }

    /// <summary>The access roles that hold a page role: a viewer's pages are for all staff, an operator's for operators and admins.</summary>
    public static IReadOnlyList<AccessRole> Allows(OperatorRole role) => role switch
    {
        OperatorRole.Viewer => DefaultAccessRequirement.Readers,
        OperatorRole.Operator => DefaultAccessRequirement.Writers,
        OperatorRole.Admin => [AccessRole.Admin],
        OperatorRole.Auditor => [AccessRole.Auditor, AccessRole.Admin],
        OperatorRole.Consumer => [AccessRole.Consumer],
        _ => [],
    };

    /// <summary>The policy of a page role, for <see cref="OperatorAppOptions.RolePolicy"/>.</summary>
    public static string Policy(OperatorRole role) => role switch
    {
        OperatorRole.Viewer => AccessPolicies.Staff,
        OperatorRole.Operator => AccessPolicies.Operator,
        OperatorRole.Admin => AccessPolicies.Admin,
        OperatorRole.Auditor => AccessPolicies.Audit,
        OperatorRole.Consumer => AccessPolicies.Consumer,
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "No policy for this role."),
    };
}
