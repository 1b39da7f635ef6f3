namespace Meterline.Storage;

/// <summary>The database engine behind an <see cref="IHeadEndStorage"/>.</summary>
public enum StorageEngine
{
    /// <summary>An embedded SQLite file (the default for one node).</summary>
    Sqlite = 0,

    /// <summary>A PostgreSQL server (production, several nodes).</summary>
    PostgreSql = 1,
}
