namespace Meterline.Server.Access;

/// <summary>
/// The authorization policies by name (docs/access.md). An endpoint without one gets the fallback policy
/// (<see cref="DefaultAccessRequirement"/>): GET and HEAD for viewer, operator, admin and auditor; other methods for
/// operator and admin. Consumers reach only endpoints marked <see cref="MeterReader"/>.
/// </summary>
public static class AccessPolicies
{
    /// <summary>Admin only: users, tokens, meter registration and import, keys.</summary>
    public const string Admin = "admin";

    /// <summary>The audit log and its verification: auditor and admin.</summary>
    public const string Audit = "audit";

    /// <summary>A meter's own data (route value <c>serial</c> or <c>meter</c>): staff, and a consumer for their own meters only (another's is 404).</summary>
    public const string MeterReader = "meter-reader";

    /// <summary>Staff of any role (viewer, operator, admin, auditor), whatever the method: the operator app's pages and circuit.</summary>
    public const string Staff = "staff";

    /// <summary>Operators and admins: the operator app's actions.</summary>
    public const string Operator = "operator";

    /// <summary>A consumer bound to a consumer id, and nobody else: the consumer portal's pages and its API (<c>/my</c>, <c>/api/me</c>).</summary>
    public const string Consumer = "consumer";

    /// <summary>Any authenticated principal, consumers included (the session endpoints).</summary>
    public const string SignedIn = "signed-in";
}
