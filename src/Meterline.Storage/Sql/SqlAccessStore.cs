using System.Data.Common;
using Meterline.HeadEnd.Access;

namespace Meterline.Storage.Sql;

/// <summary>Users and API tokens on either engine (docs/access.md): hashes only, names unique.</summary>
internal sealed class SqlAccessStore(SqlDatabase database) : IUserStore, IApiTokenStore
{
    private const string UserColumns = "id, name, password_hash, roles, consumer_id, disabled, created_at, failed_logins, locked_until, password_changed_at";
    private const string TokenColumns = "prefix, secret_hash, name, roles, owner, consumer_id, created_at, expires_at, last_used_at, revoked_at";

    public async Task<UserAccount?> AddAsync(UserAccount user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        var id = await database.WriteAsync(
            async (connection, transaction) =>
            {
                await using var insert = database.Command(
                    connection,
                    transaction,
                    "INSERT INTO users (name, password_hash, roles, consumer_id, disabled, created_at, failed_logins, locked_until, password_changed_at) " +
                    "VALUES (@name, @password_hash, @roles, @consumer_id, @disabled, @created_at, @failed_logins, @locked_until, @password_changed_at) " +
                    "ON CONFLICT (name) DO NOTHING RETURNING id");
                WithUser(insert, user);
                return await insert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);
        return id is null or DBNull ? null : user with { Id = Convert.ToInt64(id, System.Globalization.CultureInfo.InvariantCulture) };
    }

    public async Task<UserAccount?> FindAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        var found = await QueryUsersAsync($"SELECT {UserColumns} FROM users WHERE name = @name", c => c.With("name", name), cancellationToken).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    public Task<IReadOnlyList<UserAccount>> ListAsync(string? afterName, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, IUserStore.MaxLimit);
        return QueryUsersAsync(
            $"SELECT {UserColumns} FROM users WHERE name > @after ORDER BY name LIMIT @limit",
            c => c.With("after", afterName ?? string.Empty).With("limit", limit),
            cancellationToken);
    }

    Task<long> IUserStore.CountAsync(CancellationToken cancellationToken) => CountAsync("users", cancellationToken);

    public async Task<bool> UpdateAsync(UserAccount user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        var updated = await database.WriteAsync(
            async (connection, transaction) =>
            {
                await using var update = database.Command(
                    connection,
                    transaction,
                    "UPDATE users SET password_hash = @password_hash, roles = @roles, consumer_id = @consumer_id, disabled = @disabled, " +
                    "failed_logins = @failed_logins, locked_until = @locked_until, password_changed_at = @password_changed_at WHERE id = @id");
                WithUser(update, user).With("id", user.Id);
                return await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);
        return updated == 1;
    }

    public async Task<bool> AddAsync(ApiToken token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        var inserted = await database.WriteAsync(
            async (connection, transaction) =>
            {
                await using var insert = database.Command(
                    connection,
                    transaction,
                    $"INSERT INTO api_tokens ({TokenColumns}) VALUES (@prefix, @secret_hash, @name, @roles, @owner, @consumer_id, @created_at, @expires_at, @last_used_at, @revoked_at) ON CONFLICT DO NOTHING")
                    .With("prefix", token.Prefix).With("secret_hash", token.SecretHash).With("name", token.Name).With("roles", AccessRoleNames.Join(token.Roles))
                    .With("owner", token.Owner).With("consumer_id", token.ConsumerId).With("created_at", database.TimeOf(token.CreatedAt))
                    .With("expires_at", database.TimeOrNull(token.ExpiresAt)).With("last_used_at", database.TimeOrNull(token.LastUsedAt)).With("revoked_at", database.TimeOrNull(token.RevokedAt));
                return await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);
        return inserted == 1;
    }

    public async Task<ApiToken?> FindByPrefixAsync(string prefix, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var found = await QueryTokensAsync($"SELECT {TokenColumns} FROM api_tokens WHERE prefix = @prefix", c => c.With("prefix", prefix), cancellationToken).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    public async Task<ApiToken?> FindByNameAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        var found = await QueryTokensAsync($"SELECT {TokenColumns} FROM api_tokens WHERE name = @name", c => c.With("name", name), cancellationToken).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    Task<IReadOnlyList<ApiToken>> IApiTokenStore.ListAsync(string? afterName, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, IApiTokenStore.MaxLimit);
        return QueryTokensAsync(
            $"SELECT {TokenColumns} FROM api_tokens WHERE name > @after ORDER BY name LIMIT @limit",
            c => c.With("after", afterName ?? string.Empty).With("limit", limit),
            cancellationToken);
    }

    Task<long> IApiTokenStore.CountAsync(CancellationToken cancellationToken) => CountAsync("api_tokens", cancellationToken);

    public async Task<bool> RevokeAsync(string prefix, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var updated = await database.WriteAsync(
            async (connection, transaction) =>
            {
                await using var update = database.Command(connection, transaction, "UPDATE api_tokens SET revoked_at = @at WHERE prefix = @prefix AND revoked_at IS NULL")
                    .With("at", database.TimeOf(at)).With("prefix", prefix);
                return await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);
        return updated == 1;
    }

    public Task TouchAsync(string prefix, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        return database.WriteAsync(
            async (connection, transaction) =>
            {
                await using var update = database.Command(connection, transaction, "UPDATE api_tokens SET last_used_at = @at WHERE prefix = @prefix")
                    .With("at", database.TimeOf(at)).With("prefix", prefix);
                return await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            },
            cancellationToken);
    }

    private DbCommand WithUser(DbCommand command, UserAccount user) =>
        command.With("name", user.Name).With("password_hash", user.PasswordHash).With("roles", AccessRoleNames.Join(user.Roles)).With("consumer_id", user.ConsumerId)
            .With("disabled", user.Disabled).With("created_at", database.TimeOf(user.CreatedAt)).With("failed_logins", user.FailedLogins)
            .With("locked_until", database.TimeOrNull(user.LockedUntil)).With("password_changed_at", database.TimeOf(user.PasswordChangedAt));

    private Task<long> CountAsync(string table, CancellationToken cancellationToken) =>
        database.ReadAsync(
            async connection =>
            {
                await using var command = database.Command(connection, null, $"SELECT COUNT(*) FROM {table}");
                return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
            },
            cancellationToken);

    private static IReadOnlyList<AccessRole> Roles(string text) =>
        AccessRoleNames.TryParseList(text, out var roles) ? roles : throw new InvalidDataException($"Stored roles \"{text}\" are not role names.");

    private Task<IReadOnlyList<UserAccount>> QueryUsersAsync(string sql, Action<DbCommand> parameters, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<UserAccount>>(
            async connection =>
            {
                await using var command = database.Command(connection, null, sql);
                parameters(command);
                var users = new List<UserAccount>();
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    users.Add(new UserAccount(
                        reader.GetInt64(0), reader.GetString(1), reader.GetString(2), Roles(reader.GetString(3)), reader.IsDBNull(4) ? null : reader.GetString(4),
                        reader.GetBoolean(5), database.ReadTime(reader, 6), reader.GetInt32(7), database.ReadTimeOrNull(reader, 8), database.ReadTime(reader, 9)));
                }

                return users;
            },
            cancellationToken);

    private Task<IReadOnlyList<ApiToken>> QueryTokensAsync(string sql, Action<DbCommand> parameters, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<ApiToken>>(
            async connection =>
            {
                await using var command = database.Command(connection, null, sql);
                parameters(command);
                var tokens = new List<ApiToken>();
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    tokens.Add(new ApiToken(
                        reader.GetString(0), reader.GetFieldValue<byte[]>(1), reader.GetString(2), Roles(reader.GetString(3)), reader.GetString(4),
                        reader.IsDBNull(5) ? null : reader.GetString(5), database.ReadTime(reader, 6), database.ReadTimeOrNull(reader, 7),
                        database.ReadTimeOrNull(reader, 8), database.ReadTimeOrNull(reader, 9)));
                }

                return tokens;
            },
            cancellationToken);
}
