using Meterline.HeadEnd.Access;

namespace Meterline.Storage.Sql;

/// <summary>The shared session key ring on either engine (docs/access.md, "Sessions on several nodes"): rows written once, read oldest first.</summary>
internal sealed class SqlSessionKeyStore(SqlDatabase database) : ISessionKeyStore
{
    /// <summary>The advisory lock key that serialises session-key creation between nodes ("SessKeys").</summary>
    internal const long LockKey = 0x5365_7373_4B65_7973;

    public Task<IReadOnlyList<SessionKeyElement>> ListAsync(CancellationToken cancellationToken = default) =>
        database.ReadAsync<IReadOnlyList<SessionKeyElement>>(
            async connection =>
            {
                await using var command = database.Command(connection, null, "SELECT name, xml, created_at FROM session_keys ORDER BY id LIMIT @limit")
                    .With("limit", ISessionKeyStore.MaxElements);
                var elements = new List<SessionKeyElement>();
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    elements.Add(new SessionKeyElement(reader.GetString(0), reader.GetString(1), database.ReadTime(reader, 2)));
                }

                return elements;
            },
            cancellationToken);

    public async Task<bool> AddAsync(SessionKeyElement element, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(element);
        ArgumentException.ThrowIfNullOrWhiteSpace(element.Name);
        ArgumentException.ThrowIfNullOrWhiteSpace(element.Xml);
        var inserted = await database.WriteAsync(
            async (connection, transaction) =>
            {
                await using var insert = database.Command(connection, transaction, "INSERT INTO session_keys (name, xml, created_at) VALUES (@name, @xml, @created_at) ON CONFLICT (name) DO NOTHING")
                    .With("name", element.Name).With("xml", element.Xml).With("created_at", database.TimeOf(element.CreatedAt));
                return await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);
        return inserted == 1;
    }

    public Task<T> ExclusiveAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        return database.ExclusiveAsync(LockKey, work, cancellationToken);
    }
}
