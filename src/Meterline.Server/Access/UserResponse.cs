using Meterline.HeadEnd.Access;

namespace Meterline.Server.Access;

/// <summary>A user as the API shows it: never the password hash.</summary>
public sealed record UserResponse(long Id, string Name, IReadOnlyList<string> Roles, string? ConsumerId, bool Disabled, DateTimeOffset CreatedAt, DateTimeOffset? LockedUntil)
{
    public static UserResponse From(UserAccount user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return new(user.Id, user.Name, [.. user.Roles.Select(r => r.Name())], user.ConsumerId, user.Disabled, user.CreatedAt, user.LockedUntil);
    }
}
