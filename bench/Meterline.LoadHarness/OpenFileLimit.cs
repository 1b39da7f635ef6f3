using System.Globalization;

namespace Meterline.LoadHarness;

/// <summary>
/// This process's soft limit of open files (<c>ulimit -n</c>, read from <c>/proc/self/limits</c>; the .NET runtime
/// raises the soft limit to the hard one at start). A child process inherits it. Each connection a run holds open
/// takes one file in the node's process and one in its client's.
/// </summary>
internal static class OpenFileLimit
{
    /// <summary>The soft limit, or null where it cannot be read (not Linux) or is unlimited.</summary>
    public static long? Current()
    {
        try
        {
            var line = File.ReadLines("/proc/self/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
            var fields = line?["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return fields is { Length: > 0 } && long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var soft) ? soft : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
