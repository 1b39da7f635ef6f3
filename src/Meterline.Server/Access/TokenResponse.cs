using Meterline.HeadEnd.Access;

namespace Meterline.Server.Access;

/// <summary>A token as the API shows it: its public prefix, never its secret or hash. <see cref="Token"/> is set once, in the answer to its creation.</summary>
public sealed record TokenResponse(
    string Name, string Prefix, IReadOnlyList<string> Roles, string Owner, string? ConsumerId, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt,
    DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt, string? Token)
{
    public static TokenResponse From(ApiToken token, string? text = null)
    {
        ArgumentNullException.ThrowIfNull(token);
        return new(token.Name, token.Prefix, [.. token.Roles.Select(r => r.Name())], token.Owner, token.ConsumerId, token.CreatedAt, token.ExpiresAt, token.LastUsedAt, token.RevokedAt, text);
    }
}
