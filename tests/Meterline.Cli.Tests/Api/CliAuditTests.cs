using Microsoft.Data.Sqlite;

namespace Meterline.Cli.Tests.Api;

/// <summary>`meterline audit` in process against a running head-end.</summary>
public sealed class CliAuditTests(CliHeadEnd headEnd) : IClassFixture<CliHeadEnd>, IAsyncLifetime
{
    public Task InitializeAsync() => headEnd.EnsureImportedAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task AuditVerify_IntactLog_Exit0_AlteredEntry_Exit6WithItsSequence()
    {
        var intact = await Cli.RunAsync("audit", "verify", "--server", headEnd.Server, "--token", headEnd.Token);
        Assert.True(intact.Code == 0, intact.Error);
        Assert.Contains("audit log intact", intact.Output, StringComparison.Ordinal);

        await SetActorAsync(2, "mallory");
        try
        {
            var broken = await Cli.RunAsync("audit", "verify", "--server", headEnd.Server, "--token", headEnd.Token);

            Assert.Equal(6, broken.Code);
            Assert.Contains("audit log BROKEN at entry 2 (HashMismatch)", broken.Output, StringComparison.Ordinal);
        }
        finally
        {
            await SetActorAsync(2, "test");
        }

        Assert.Equal(0, (await Cli.RunAsync("audit", "verify", "--server", headEnd.Server, "--token", headEnd.Token)).Code);
    }

    [Fact]
    public async Task AuditList_PrintsEntriesInOrderFromAfter()
    {
        var (code, output, error) = await Cli.RunAsync("audit", "list", "--after", "1", "--limit", "3", "--server", headEnd.Server, "--token", headEnd.Token);

        Assert.True(code == 0, error);
        Assert.Contains("key.imported", output, StringComparison.Ordinal);
        Assert.Contains("3 entries shown; more after 4", output, StringComparison.Ordinal);
        Assert.DoesNotContain(output.Split('\n'), l => l.TrimStart().StartsWith("│ 1 ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AuditVerify_AnchorWithoutHash_Exit1()
    {
        var (code, _, error) = await Cli.RunAsync("audit", "verify", "--anchor-sequence", "3", "--server", headEnd.Server, "--token", headEnd.Token);

        Assert.Equal(1, code);
        Assert.Contains("go together", error, StringComparison.Ordinal);
    }

    private async Task SetActorAsync(long sequence, string actor)
    {
        await using var connection = new SqliteConnection("Data Source=" + headEnd.DatabasePath);
        await connection.OpenAsync();
        await using var update = connection.CreateCommand();
        update.CommandText = "UPDATE audit SET actor = $actor WHERE sequence = $sequence";
        update.Parameters.AddWithValue("$actor", actor);
        update.Parameters.AddWithValue("$sequence", sequence);
        Assert.Equal(1, await update.ExecuteNonQueryAsync());
    }
}
