using System.Security.Claims;
using System.Text.Encodings.Web;
using Meterline.HeadEnd.Access;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Meterline.Server.Access;

/// <summary>
/// Authenticates <c>Authorization: Bearer mtl_…</c> with an API token (<see cref="AccessService.AuthenticateTokenAsync"/>):
/// the principal is named after the token and holds its roles. A request without the header is no result here; a
/// token that is malformed, unknown, wrong, revoked or expired fails.
/// </summary>
public sealed class ApiTokenAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, AccessService access)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string Prefix = "Bearer ";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization;
        if (header.Count == 0)
        {
            return AuthenticateResult.NoResult();
        }

        if (header.Count != 1 || header[0] is not { } value || !value.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.Fail("The Authorization header is not one Bearer token.");
        }

        var token = await access.AuthenticateTokenAsync(value[Prefix.Length..].Trim(), Context.RequestAborted).ConfigureAwait(false);
        if (token is null)
        {
            return AuthenticateResult.Fail("The API token is not valid, revoked or expired.");
        }

        var identity = AccessPrincipals.Create(AccessSchemes.Bearer, token.Name, token.Roles, token.ConsumerId, []);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), AccessSchemes.Bearer));
    }
}
