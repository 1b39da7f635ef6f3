namespace Meterline.HeadEnd.Access;

/// <summary>How a sign-in ended.</summary>
public enum SignInOutcome
{
    Succeeded,

    /// <summary>No such user or the wrong password (not told apart to the caller).</summary>
    WrongCredentials,

    /// <summary>Too many failures: refused until the lockout ends, even with the right password.</summary>
    LockedOut,

    /// <summary>The user is disabled.</summary>
    Disabled,
}
