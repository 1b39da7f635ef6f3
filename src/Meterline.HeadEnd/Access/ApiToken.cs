namespace Meterline.HeadEnd.Access;

/// <summary>
/// An API token of a machine client, as stored: its public prefix and the SHA-256 hash of its secret, never the
/// secret itself (<see cref="ApiTokenSecret"/>).
/// </summary>
/// <param name="Prefix">The public, unique look-up prefix (12 lower-case hex digits).</param>
/// <param name="SecretHash">SHA-256 of the 32 secret bytes.</param>
/// <param name="Name">Unique name; the actor of what the token does.</param>
/// <param name="Roles">What the token may do.</param>
/// <param name="Owner">Who created it (a user name or "bootstrap").</param>
/// <param name="ConsumerId">The consumer a <see cref="AccessRole.Consumer"/> token is bound to; null otherwise.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="ExpiresAt">When it stops working; null: never.</param>
/// <param name="LastUsedAt">When it last authenticated a request (updated at most once a minute); null: never.</param>
/// <param name="RevokedAt">When it was revoked; null: live.</param>
public sealed record ApiToken(
    string Prefix,
    byte[] SecretHash,
    string Name,
    IReadOnlyList<AccessRole> Roles,
    string Owner,
    string? ConsumerId,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? LastUsedAt,
    DateTimeOffset? RevokedAt);
