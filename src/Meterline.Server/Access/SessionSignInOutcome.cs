namespace Meterline.Server.Access;

/// <summary>How a password sign-in through <see cref="SessionSignIn"/> ended.</summary>
public enum SessionSignInOutcome
{
    /// <summary>The session cookie is set.</summary>
    SignedIn = 0,

    /// <summary>Wrong name or password, or the user is locked out or disabled (not told apart); audited.</summary>
    Refused = 1,

    /// <summary>Over the per-name limit; audited, with when to retry.</summary>
    RateLimited = 2,
}
