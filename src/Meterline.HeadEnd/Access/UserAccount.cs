namespace Meterline.HeadEnd.Access;

/// <summary>A person who signs in with a name and a password.</summary>
/// <param name="Id">The store's id (0 before it is added).</param>
/// <param name="Name">The sign-in name, unique (<see cref="AccessNames"/>); the actor of what the user does.</param>
/// <param name="PasswordHash">The PBKDF2 hash (<see cref="PasswordHashing"/>), never the password.</param>
/// <param name="Roles">What the user may do.</param>
/// <param name="ConsumerId">The consumer a <see cref="AccessRole.Consumer"/> user is bound to; null otherwise.</param>
/// <param name="Disabled">A disabled user cannot sign in and their sessions end.</param>
/// <param name="CreatedAt">When the user was added.</param>
/// <param name="FailedLogins">Consecutive failed sign-ins since the last success or lockout.</param>
/// <param name="LockedUntil">Sign-in refused until then after too many failures; null when not locked.</param>
/// <param name="PasswordChangedAt">When the password was last set; sessions signed in before it end.</param>
public sealed record UserAccount(
    long Id,
    string Name,
    string PasswordHash,
    IReadOnlyList<AccessRole> Roles,
    string? ConsumerId,
    bool Disabled,
    DateTimeOffset CreatedAt,
    int FailedLogins,
    DateTimeOffset? LockedUntil,
    DateTimeOffset PasswordChangedAt);
