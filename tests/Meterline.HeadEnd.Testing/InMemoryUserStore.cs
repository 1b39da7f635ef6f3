using Meterline.HeadEnd.Access;

namespace Meterline.HeadEnd.Testing;

/// <summary>Users in a dictionary (names unique, ids from 1).</summary>
public sealed class InMemoryUserStore : IUserStore
{
    private readonly Dictionary<string, UserAccount> _users = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private long _nextId = 1;

    public Task<UserAccount?> AddAsync(UserAccount user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        lock (_lock)
        {
            if (_users.ContainsKey(user.Name))
            {
                return Task.FromResult<UserAccount?>(null);
            }

            var added = user with { Id = _nextId++ };
            _users[user.Name] = added;
            return Task.FromResult<UserAccount?>(added);
        }
    }

    public Task<UserAccount?> FindAsync(string name, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_users.GetValueOrDefault(name));
        }
    }

    public Task<IReadOnlyList<UserAccount>> ListAsync(string? afterName, int limit, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<UserAccount>>([.. _users.Values.Where(u => afterName is null || string.CompareOrdinal(u.Name, afterName) > 0).OrderBy(u => u.Name, StringComparer.Ordinal).Take(limit)]);
        }
    }

    public Task<long> CountAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult((long)_users.Count);
        }
    }

    public Task<bool> UpdateAsync(UserAccount user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        lock (_lock)
        {
            var current = _users.Values.FirstOrDefault(u => u.Id == user.Id);
            if (current is null)
            {
                return Task.FromResult(false);
            }

            _users[current.Name] = user with { Name = current.Name, CreatedAt = current.CreatedAt };
            return Task.FromResult(true);
        }
    }
}
