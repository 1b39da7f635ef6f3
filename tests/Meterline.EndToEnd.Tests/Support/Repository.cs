namespace Meterline.EndToEnd.Tests.Support;

/// <summary>Files of the repository the tests run from (the meter profiles).</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string ProfilesDirectory => Path.Combine(Root, "profiles");

    public static string ProfilePath => Path.Combine(ProfilesDirectory, "is15959-single-phase.json");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Meterline.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Meterline.slnx not found above " + AppContext.BaseDirectory);
    }
}
