using Meterline.HeadEnd.Access;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;

namespace Meterline.Server.Access;

/// <summary>
/// The authentication state of an operator-app circuit, checked again every
/// <see cref="AccessServerOptions.CircuitRevalidation"/> against the user store (<see cref="SessionValidity"/>): a circuit
/// stays open for as long as its browser tab does, long after the cookie was last checked, so without this a user
/// an admin disabled or demoted would keep acting with the roles they signed in with. When the session is no longer
/// current the circuit's state becomes nobody: <see cref="SignedInOperator"/> then refuses every action, and the layout
/// reloads the page, whose request the cookie check signs out. A principal that did not sign in through the session
/// cookie (none reaches a circuit today) is left alone. A store that cannot be read keeps the state (the next check
/// tries again): an outage must not sign every operator out.
/// </summary>
public sealed class CircuitSessionRevalidation(ILoggerFactory loggers, AccessService access, AccessServerOptions options)
    : RevalidatingServerAuthenticationStateProvider(loggers)
{
    protected override TimeSpan RevalidationInterval => options.CircuitRevalidation;

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authenticationState);
        var principal = authenticationState.User;
        if (principal.Identity is not { IsAuthenticated: true, AuthenticationType: AccessSchemes.Cookie, Name: { } name })
        {
            return true;
        }

        UserAccount? user;
        try
        {
            user = await access.Users.FindAsync(name, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (Meterline.Storage.StorageFaults.IsOutage(e))
        {
            return true;
        }

        return SessionValidity.IsCurrent(principal, user);
    }
}
