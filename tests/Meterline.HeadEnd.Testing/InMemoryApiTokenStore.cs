using Meterline.HeadEnd.Access;

namespace Meterline.HeadEnd.Testing;

/// <summary>API tokens in a dictionary by prefix (prefixes and names unique).</summary>
public sealed class InMemoryApiTokenStore : IApiTokenStore
{
    private readonly Dictionary<string, ApiToken> _tokens = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public Task<bool> AddAsync(ApiToken token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        lock (_lock)
        {
            if (_tokens.ContainsKey(token.Prefix) || _tokens.Values.Any(t => t.Name == token.Name))
            {
                return Task.FromResult(false);
            }

            _tokens[token.Prefix] = token;
            return Task.FromResult(true);
        }
    }

    public Task<ApiToken?> FindByPrefixAsync(string prefix, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_tokens.GetValueOrDefault(prefix));
        }
    }

    public Task<ApiToken?> FindByNameAsync(string name, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_tokens.Values.FirstOrDefault(t => t.Name == name));
        }
    }

    public Task<IReadOnlyList<ApiToken>> ListAsync(string? afterName, int limit, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<ApiToken>>([.. _tokens.Values.Where(t => afterName is null || string.CompareOrdinal(t.Name, afterName) > 0).OrderBy(t => t.Name, StringComparer.Ordinal).Take(limit)]);
        }
    }

    public Task<long> CountAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult((long)_tokens.Count);
        }
    }

    public Task<bool> RevokeAsync(string prefix, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (!_tokens.TryGetValue(prefix, out var token) || token.RevokedAt is not null)
            {
                return Task.FromResult(false);
            }

            _tokens[prefix] = token with { RevokedAt = at };
            return Task.FromResult(true);
        }
    }

    public Task TouchAsync(string prefix, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_tokens.TryGetValue(prefix, out var token))
            {
                _tokens[prefix] = token with { LastUsedAt = at };
            }

            return Task.CompletedTask;
        }
    }
}
