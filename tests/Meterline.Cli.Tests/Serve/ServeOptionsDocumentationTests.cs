using Meterline.Cli.Serve;

namespace Meterline.Cli.Tests.Serve;

/// <summary>docs/deployment.md's configuration reference lists every option of <c>meterline serve</c>, and no option that is gone.</summary>
public sealed class ServeOptionsDocumentationTests
{
    [Fact]
    public void DeploymentDoc_ConfigurationReference_ListsEveryServeOptionAndNoOther()
    {
        var documented = ReferenceRows().ToHashSet(StringComparer.Ordinal);
        var defined = new ServeOptions().All.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);

        Assert.Empty(defined.Except(documented).Order(StringComparer.Ordinal));
        Assert.Empty(documented.Except(defined).Order(StringComparer.Ordinal));
    }

    /// <summary>The first option named in each row of the table under "## Configuration reference".</summary>
    private static IEnumerable<string> ReferenceRows()
    {
        var lines = File.ReadAllLines(Path.Combine(Root(), "docs", "deployment.md"));
        var inSection = false;
        foreach (var line in lines)
        {
            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                inSection = line.StartsWith("## Configuration reference", StringComparison.Ordinal);
                continue;
            }

            if (inSection && line.StartsWith("| `--", StringComparison.Ordinal))
            {
                var end = line.IndexOf('`', 3);
                yield return line[3..end];
            }
        }
    }

    private static string Root()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Meterline.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Meterline.slnx not found above the test directory");
    }
}
