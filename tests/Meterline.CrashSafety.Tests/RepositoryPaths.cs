namespace Meterline.CrashSafety.Tests;

/// <summary>Where the repository, its profiles and the build output of <c>meterline</c> are, seen from the test's own build output.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Profiles => Path.Combine(Root, "profiles");

    public static string ProfilePath => Path.Combine(Profiles, "is15959-single-phase.json");

    /// <summary>
    /// The build output of <c>src/Meterline.Cli</c> in this test's configuration (tests/X/bin/Release/net10.0 →
    /// src/Meterline.Cli/bin/Release/net10.0/meterline.dll); the project reference builds it first.
    /// </summary>
    public static string MeterlineDll
    {
        get
        {
            var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var framework = output.Name;
            var configuration = output.Parent?.Name ?? "Release";
            var path = Path.Combine(Root, "src", "Meterline.Cli", "bin", configuration, framework, "meterline.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException($"meterline is not built at {path}: build src/Meterline.Cli -c {configuration} first", path);
        }
    }

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Meterline.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Meterline.slnx not found above the test directory");
    }
}
