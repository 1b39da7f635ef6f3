using Meterline.Cli.Gateway;
using Meterline.Cli.Serve;

namespace Meterline.Cli.Tests.Serve;

/// <summary>docs/deployment.md's configuration references list every option of <c>meterline serve</c> and <c>meterline gateway</c>, and no option that is gone.</summary>
public sealed class ServeOptionsDocumentationTests
{
    [Fact]
    public void DeploymentDoc_ConfigurationReference_ListsEveryServeOptionAndNoOther()
    {
        var documented = ReferenceRows("## Configuration reference (`meterline serve`)").ToHashSet(StringComparer.Ordinal);
        var defined = new ServeOptions().All.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);

        Assert.Empty(defined.Except(documented).Order(StringComparer.Ordinal));
        Assert.Empty(documented.Except(defined).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void DeploymentDoc_GatewayConfigurationReference_ListsEveryGatewayOptionAndNoOther()
    {
        var documented = ReferenceRows("## Configuration reference (`meterline gateway`)").ToHashSet(StringComparer.Ordinal);
        var defined = GatewayCommand.Create(TextWriter.Null, TextWriter.Null).Options
            .Select(o => o.Name).Where(n => n.StartsWith("--", StringComparison.Ordinal) && n != "--help").ToHashSet(StringComparer.Ordinal);

        Assert.NotEmpty(defined);
        Assert.Empty(defined.Except(documented).Order(StringComparer.Ordinal));
        Assert.Empty(documented.Except(defined).Order(StringComparer.Ordinal));
    }

    /// <summary>The first option named in each row of the table under the heading <paramref name="heading"/>.</summary>
    private static IEnumerable<string> ReferenceRows(string heading)
    {
        var lines = File.ReadAllLines(Path.Combine(Root(), "docs", "deployment.md"));
        var inSection = false;
        foreach (var line in lines)
        {
            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                inSection = line == heading;
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
