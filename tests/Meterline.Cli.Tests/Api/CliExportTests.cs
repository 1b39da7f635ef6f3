using System.Text.Json;

namespace Meterline.Cli.Tests.Api;

/// <summary>`meterline meters export-installation`: the installation document comes from the node's own database and key file, never through the API.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class CliExportTests(CliHeadEnd headEnd) : IClassFixture<CliHeadEnd>, IAsyncLifetime
{
    private readonly string _out = Path.Combine(Path.GetTempPath(), "meterline-install-" + Guid.NewGuid().ToString("N") + ".json");

    public Task InitializeAsync() => headEnd.EnsureImportedAsync();

    public Task DisposeAsync()
    {
        File.Delete(_out);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task ExportInstallation_ImportedMeter_WritesItsKeysOwnerOnlyAndAudits()
    {
        var (code, output, error) = await Cli.RunAsync("meters", "export-installation", "MTL00000003", "--out", _out,
            "--db", headEnd.DatabasePath, "--key-file", headEnd.KeyFilePath, "--profiles", Path.Combine(AppContext.BaseDirectory, "profiles"), "--actor", "installer-9");

        Assert.True(code == 0, error);
        Assert.Contains("written to " + _out, output, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_out));
        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(_out));
        using var fleet = JsonDocument.Parse(await File.ReadAllTextAsync(headEnd.ProvisioningPath));
        var provisioned = fleet.RootElement.GetProperty("meters").EnumerateArray().Single(m => m.GetProperty("id").GetString() == "MTL00000003");
        Assert.Equal(provisioned.GetProperty("encryptionKey").GetString(), document.RootElement.GetProperty("encryptionKey").GetString(), ignoreCase: true);
        Assert.Equal(provisioned.GetProperty("masterKey").GetString(), document.RootElement.GetProperty("masterKey").GetString(), ignoreCase: true);
        var audit = await headEnd.Node.Storage.Audit.GetRecentAsync(null, 50);
        Assert.Contains(audit, e => e.Action == "key.exported" && e.Actor == "installer-9");
    }

    [Fact]
    public async Task ExportInstallation_UnknownMeter_Exit3AndNoFile()
    {
        var (code, _, error) = await Cli.RunAsync("meters", "export-installation", "NO-SUCH", "--out", _out,
            "--db", headEnd.DatabasePath, "--key-file", headEnd.KeyFilePath, "--profiles", Path.Combine(AppContext.BaseDirectory, "profiles"));

        Assert.Equal(3, code);
        Assert.Contains("no meter has serial 'NO-SUCH'", error, StringComparison.Ordinal);
        Assert.False(File.Exists(_out));
    }

    [Fact]
    public async Task ExportInstallation_MissingKeyFile_Exit2WithoutCreatingIt()
    {
        var missing = Path.Combine(Path.GetTempPath(), "meterline-no-such-" + Guid.NewGuid().ToString("N") + ".kek");

        var (code, _, error) = await Cli.RunAsync("meters", "export-installation", "MTL00000003", "--out", _out,
            "--db", headEnd.DatabasePath, "--key-file", missing, "--profiles", Path.Combine(AppContext.BaseDirectory, "profiles"));

        Assert.Equal(2, code);
        Assert.Contains("cannot start the head-end", error, StringComparison.Ordinal);
        Assert.False(File.Exists(missing));
        Assert.False(File.Exists(_out));
    }
}
