using System.Globalization;
using System.Security.Claims;
using Meterline.HeadEnd.Access;

namespace Meterline.Server.Access;

/// <summary>
/// Whether a signed-in session's principal still stands for its user as the store has it now: the user exists, is not
/// disabled, has not changed password, and holds the same roles and consumer as when the session began. Checked on
/// every cookie request (<see cref="AccessSetup"/>) and, for an open operator-app circuit, every
/// <see cref="AccessServerOptions.CircuitRevalidation"/> (<see cref="CircuitSessionRevalidation"/>).
/// </summary>
public static class SessionValidity
{
    public static bool IsCurrent(ClaimsPrincipal principal, UserAccount? user)
    {
        ArgumentNullException.ThrowIfNull(principal);
        if (user is null || user.Disabled)
        {
            return false;
        }

        var changedAt = principal.FindFirst(AccessClaims.PasswordChangedAt)?.Value;
        return changedAt == user.PasswordChangedAt.UtcTicks.ToString(CultureInfo.InvariantCulture)
            && AccessPrincipals.Roles(principal).Order(StringComparer.Ordinal).SequenceEqual(user.Roles.Select(r => r.Name()).Order(StringComparer.Ordinal))
            && principal.FindFirst(AccessClaims.Consumer)?.Value == user.ConsumerId;
    }
}
