using System.Data.Common;
using Meterline.Storage;

namespace Meterline.Cli.Serve;

/// <summary>
/// The files a node keeps beside its SQLite database (in the working directory for PostgreSQL): the bootstrap admin
/// token (<c>NAME.admin-token</c>) and the key that encrypts the session key ring in the database (<c>NAME.session-key</c>), NAME being the
/// database file's name without extension — so `meterline.db` goes with `meterline.admin-token`, the CLI's default.
/// </summary>
internal static class NodeDataFiles
{
    public static string BootstrapTokenFile(string database) => Beside(database, ".admin-token");

    public static string SessionKeyFile(string database) => Beside(database, ".session-key");

    private static string Beside(string database, string extension)
    {
        var path = SqlitePath(database);
        return path is null ? "meterline" + extension : Path.ChangeExtension(path, extension);
    }

    private static string? SqlitePath(string database)
    {
        try
        {
            if (HeadEndStorage.EngineOf(database) != StorageEngine.Sqlite)
            {
                return null;
            }
        }
        catch (ArgumentException)
        {
            return null;
        }

        if (!database.Contains('=', StringComparison.Ordinal))
        {
            return database;
        }

        var builder = new DbConnectionStringBuilder { ConnectionString = database };
        foreach (var key in new[] { "Data Source", "DataSource", "Filename" })
        {
            if (builder.TryGetValue(key, out var value) && value is string { Length: > 0 } path && path != ":memory:")
            {
                return path;
            }
        }

        return null;
    }
}
