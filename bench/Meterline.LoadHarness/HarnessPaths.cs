namespace Meterline.LoadHarness;

/// <summary>The repository's meter profiles, found above the working directory or the harness's build output.</summary>
internal static class HarnessPaths
{
    public static string Profiles { get; } = Find();

    public static string ProfilePath => Path.Combine(Profiles, "is15959-single-phase.json");

    private static string Find()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                var profiles = Path.Combine(directory.FullName, "profiles");
                if (File.Exists(Path.Combine(profiles, "is15959-single-phase.json")))
                {
                    return profiles;
                }
            }
        }

        throw new DirectoryNotFoundException("profiles/is15959-single-phase.json not found above the working directory: run the harness from the repository.");
    }
}
