using Meterline.Cli.Demo;

namespace Meterline.Cli.Tests.Demo;

public sealed class DemoDataDirectoryTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("meterline-demo-data-").FullName;

    [Fact]
    public void Prepare_Fresh_DeletesTheDemosEntriesAndNothingElse()
    {
        string[] demoFiles = ["meterline.db", "meterline.db-wal", "meterline.kek", "fleet.json", "simulated-clock.txt"];
        foreach (var name in demoFiles.Append("notes.txt"))
        {
            File.WriteAllText(Path.Combine(_directory, name), "x");
        }

        Directory.CreateDirectory(Path.Combine(_directory, "meter-state"));
        File.WriteAllText(Path.Combine(_directory, "meter-state", "MTL00000001.state.json"), "{}");
        Directory.CreateDirectory(Path.Combine(_directory, "photos"));

        var data = DemoDataDirectory.Prepare(_directory, fresh: true);

        Assert.False(data.Existed);
        Assert.Equal(["notes.txt", "photos"], Directory.EnumerateFileSystemEntries(_directory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Prepare_NotFresh_KeepsAnEarlierDemo()
    {
        File.WriteAllText(Path.Combine(_directory, "meterline.db"), "x");
        File.WriteAllText(Path.Combine(_directory, "fleet.json"), "x");

        var data = DemoDataDirectory.Prepare(_directory, fresh: false);

        Assert.True(data.Existed);
        Assert.True(File.Exists(data.Database));
        Assert.True(File.Exists(data.Provisioning));
    }

    [Fact]
    public void Prepare_MissingDirectory_CreatesIt()
    {
        var path = Path.Combine(_directory, "a", "b");

        var data = DemoDataDirectory.Prepare(path, fresh: true);

        Assert.True(Directory.Exists(path));
        Assert.False(data.Existed);
        Assert.Equal(Path.Combine(path, "meterline.db"), data.Database);
    }

    [Fact]
    public void WriteClock_ThenReadClock_ReturnsTheInstant()
    {
        var data = DemoDataDirectory.Prepare(_directory, fresh: false);
        var instant = new DateTimeOffset(2026, 3, 1, 10, 15, 30, 250, TimeSpan.Zero);

        data.WriteClock(instant.ToOffset(TimeSpan.FromHours(5.5)));

        Assert.Equal(instant, data.ReadClock());
        Assert.Equal(TimeSpan.Zero, data.ReadClock()!.Value.Offset);
    }

    [Theory]
    [InlineData("")]
    [InlineData("yesterday")]
    public void ReadClock_MissingOrUnreadable_IsNull(string content)
    {
        var data = DemoDataDirectory.Prepare(_directory, fresh: false);
        if (content.Length > 0)
        {
            File.WriteAllText(data.ClockFile, content);
        }

        Assert.Null(data.ReadClock());
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
