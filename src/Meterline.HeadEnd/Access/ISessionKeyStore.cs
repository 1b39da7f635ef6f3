namespace Meterline.HeadEnd.Access;

/// <summary>
/// The session key ring shared by every node on one database: the elements (written once, never changed) and a lock
/// that serialises key creation between the nodes, so that two nodes starting at once do not each create a key.
/// </summary>
public interface ISessionKeyStore
{
    /// <summary>At most this many elements are read (a key is made every 90 days; this is centuries of them).</summary>
    const int MaxElements = 1_000;

    /// <summary>The elements, oldest first, at most <see cref="MaxElements"/>.</summary>
    Task<IReadOnlyList<SessionKeyElement>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Stores an element; false (nothing changed) when one of that name exists.</summary>
    Task<bool> AddAsync(SessionKeyElement element, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs <paramref name="work"/> while no other holder of this lock runs, on any node of the database (a PostgreSQL
    /// advisory lock; within the process on SQLite, which has one node). Elements may be read and added inside.
    /// </summary>
    Task<T> ExclusiveAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken = default);
}
