namespace Meterline.HeadEnd.Access;

/// <summary>The API tokens (docs/access.md): hashes only. Thread-safe.</summary>
public interface IApiTokenStore
{
    public const int MaxLimit = 1_000;

    /// <summary>Adds a token; false when its prefix or name is taken.</summary>
    Task<bool> AddAsync(ApiToken token, CancellationToken cancellationToken = default);

    Task<ApiToken?> FindByPrefixAsync(string prefix, CancellationToken cancellationToken = default);

    Task<ApiToken?> FindByNameAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Tokens in name order after <paramref name="afterName"/> (null: from the first), at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<ApiToken>> ListAsync(string? afterName, int limit, CancellationToken cancellationToken = default);

    Task<long> CountAsync(CancellationToken cancellationToken = default);

    /// <summary>Marks the token revoked at <paramref name="at"/>; false if there is no such live token.</summary>
    Task<bool> RevokeAsync(string prefix, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Records a use of the token.</summary>
    Task TouchAsync(string prefix, DateTimeOffset at, CancellationToken cancellationToken = default);
}
