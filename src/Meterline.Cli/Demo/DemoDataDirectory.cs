using System.Globalization;

namespace Meterline.Cli.Demo;

/// <summary>
/// The demo's data directory and what it keeps there: the SQLite database, the key-encryption key, the fleet's
/// provisioning file, the meters' non-volatile state and the simulated clock where the last run stopped. A run on an
/// existing directory reuses all of it (the same meters, keys and counters); <see cref="Prepare"/> with
/// <c>fresh</c> deletes these entries first, and nothing else in the directory.
/// </summary>
internal sealed class DemoDataDirectory
{
    private const string DatabaseName = "meterline.db";

    private DemoDataDirectory(string path, bool existed)
    {
        Path = path;
        Existed = existed;
    }

    /// <summary>The full path of the directory.</summary>
    public string Path { get; }

    /// <summary>True when an earlier demo's database was found (and is reused).</summary>
    public bool Existed { get; }

    public string Database => System.IO.Path.Combine(Path, DatabaseName);

    public string KeyFile => System.IO.Path.Combine(Path, "meterline.kek");

    public string Provisioning => System.IO.Path.Combine(Path, "fleet.json");

    public string StateDirectory => System.IO.Path.Combine(Path, "meter-state");

    /// <summary>The simulated instant the last run reached (ISO 8601), so the next one goes on from there.</summary>
    public string ClockFile => System.IO.Path.Combine(Path, "simulated-clock.txt");

    /// <summary>Creates the directory if needed; with <paramref name="fresh"/>, first deletes what an earlier demo left in it.</summary>
    public static DemoDataDirectory Prepare(string path, bool fresh)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = System.IO.Path.GetFullPath(path);
        var directory = new DemoDataDirectory(full, existed: false);
        if (fresh)
        {
            directory.DeleteDemoEntries();
        }

        Directory.CreateDirectory(full);
        return new DemoDataDirectory(full, File.Exists(directory.Database));
    }

    /// <summary>The simulated instant saved by the last run, or null when there is none (or it is unreadable).</summary>
    public DateTimeOffset? ReadClock()
    {
        try
        {
            return DateTimeOffset.TryParse(File.ReadAllText(ClockFile).Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant)
                ? instant.ToUniversalTime()
                : null;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Saves the simulated instant reached, replacing the file atomically.</summary>
    public void WriteClock(DateTimeOffset simulatedNow)
    {
        var temporary = ClockFile + ".tmp";
        File.WriteAllText(temporary, simulatedNow.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture) + "\n");
        File.Move(temporary, ClockFile, overwrite: true);
    }

    private void DeleteDemoEntries()
    {
        if (!Directory.Exists(Path))
        {
            return;
        }

        foreach (var file in new[] { Database, Database + "-wal", Database + "-shm", Database + "-journal", KeyFile, Provisioning, Provisioning + ".tmp", ClockFile, ClockFile + ".tmp",
            System.IO.Path.Combine(Path, "meterline.admin-token"), System.IO.Path.Combine(Path, "demo-admin.password") })
        {
            File.Delete(file);
        }

        if (Directory.Exists(StateDirectory))
        {
            Directory.Delete(StateDirectory, recursive: true);
        }
    }
}
