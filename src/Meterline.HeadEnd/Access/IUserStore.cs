namespace Meterline.HeadEnd.Access;

/// <summary>The users (docs/access.md). Thread-safe.</summary>
public interface IUserStore
{
    public const int MaxLimit = 1_000;

    /// <summary>Adds a user; returns it with its id, or null when the name is taken.</summary>
    Task<UserAccount?> AddAsync(UserAccount user, CancellationToken cancellationToken = default);

    Task<UserAccount?> FindAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Users in name order after <paramref name="afterName"/> (null: from the first), at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<UserAccount>> ListAsync(string? afterName, int limit, CancellationToken cancellationToken = default);

    Task<long> CountAsync(CancellationToken cancellationToken = default);

    /// <summary>Replaces the user's password hash, roles, consumer, disabled flag, failure count, lockout and password time (by id); false if no such user.</summary>
    Task<bool> UpdateAsync(UserAccount user, CancellationToken cancellationToken = default);
}
