using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using Meterline.HeadEnd.Access;

namespace Meterline.Server.Access;

/// <summary>Builds the claims identity of a token or a signed-in user.</summary>
public static class AccessPrincipals
{
    public static ClaimsIdentity Create(string authenticationType, string name, IEnumerable<AccessRole> roles, string? consumerId, IEnumerable<Claim> extra)
    {
        List<Claim> claims = [new(ClaimTypes.Name, name), .. roles.Select(r => new Claim(ClaimTypes.Role, r.Name())), .. extra];
        if (consumerId is not null)
        {
            claims.Add(new Claim(AccessClaims.Consumer, consumerId));
        }

        return new ClaimsIdentity(claims, authenticationType, ClaimTypes.Name, ClaimTypes.Role);
    }

    /// <summary>A session's identity: the user, a fresh anti-forgery token (32 random bytes, hex) and the password time.</summary>
    public static ClaimsIdentity ForSession(UserAccount user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return Create(AccessSchemes.Cookie, user.Name, user.Roles, user.ConsumerId,
        [
            new Claim(AccessClaims.Antiforgery, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32))),
            new Claim(AccessClaims.PasswordChangedAt, user.PasswordChangedAt.UtcTicks.ToString(CultureInfo.InvariantCulture)),
        ]);
    }

    /// <summary>The principal's role names.</summary>
    public static IReadOnlyList<string> Roles(ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        return [.. principal.FindAll(ClaimTypes.Role).Select(c => c.Value)];
    }
}
