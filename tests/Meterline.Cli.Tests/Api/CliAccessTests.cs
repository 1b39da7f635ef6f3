namespace Meterline.Cli.Tests.Api;

/// <summary>`meterline users` and `meterline tokens` in process against a running head-end, with its bootstrap admin token.</summary>
public sealed class CliAccessTests(CliHeadEnd headEnd) : IClassFixture<CliHeadEnd>
{
    [Fact]
    public async Task TokensCreate_ThenTheNewTokenCallsTheApiAndRevokeStopsIt()
    {
        var created = await Cli.RunAsync("tokens", "create", "cli-viewer", "--role", "viewer", "--server", headEnd.Server, "--token", headEnd.Token);
        Assert.True(created.Code == 0, created.Error);
        var token = created.Output.Split('\n').Single(l => l.StartsWith("token (shown once): ", StringComparison.Ordinal))["token (shown once): ".Length..].Trim();
        Assert.Matches("^mtl_[0-9a-f]{12}_[0-9a-f]{64}$", token);

        var list = await Cli.RunAsync("meters", "list", "--server", headEnd.Server, "--token", token);
        Assert.True(list.Code == 0, list.Error);

        var tokens = await Cli.RunAsync("tokens", "list", "--server", headEnd.Server, "--token", headEnd.Token);
        Assert.Equal(0, tokens.Code);
        Assert.Contains("cli-viewer", tokens.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(token[17..], tokens.Output, StringComparison.Ordinal);

        var revoke = await Cli.RunAsync("tokens", "revoke", "cli-viewer", "--server", headEnd.Server, "--token", headEnd.Token);
        Assert.Equal(0, revoke.Code);
        var refused = await Cli.RunAsync("meters", "list", "--server", headEnd.Server, "--token", token);
        Assert.Equal(3, refused.Code);
        Assert.Contains("unauthenticated", refused.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UsersAdd_RandomPasswordPrintedOnce_ListedAndDisabled()
    {
        var added = await Cli.RunAsync("users", "add", "cli-operator", "--role", "operator", "--server", headEnd.Server, "--token", headEnd.Token);
        Assert.True(added.Code == 0, added.Error);
        Assert.Contains("user cli-operator added: operator", added.Output, StringComparison.Ordinal);
        Assert.Contains("password (shown once): ", added.Output, StringComparison.Ordinal);

        var disabled = await Cli.RunAsync("users", "disable", "cli-operator", "--server", headEnd.Server, "--token", headEnd.Token);
        Assert.Equal(0, disabled.Code);
        var list = await Cli.RunAsync("users", "list", "--server", headEnd.Server, "--token", headEnd.Token);
        Assert.Contains(list.Output.Split('\n'), l => l.StartsWith("cli-operator", StringComparison.Ordinal) && l.TrimEnd().EndsWith("disabled", StringComparison.Ordinal));
        Assert.Contains(await headEnd.Node.Storage.Audit.GetRecentAsync("cli-operator", 10), e => e.Action == "access.user.disabled" && e.Actor == "bootstrap-admin");
    }

    [Fact]
    public async Task MetersList_NoToken_Exit3NamingTheWaysToGiveOne()
    {
        var (code, _, error) = await Cli.RunAsync("meters", "list", "--server", headEnd.Server, "--token-file", Path.Combine(Path.GetTempPath(), "no-such-meterline-token"));

        Assert.Equal(3, code);
        Assert.Contains("--token", error, StringComparison.Ordinal);
        Assert.Contains("METERLINE_TOKEN", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MetersList_TokenFile_Used()
    {
        var (code, _, error) = await Cli.RunAsync("meters", "list", "--server", headEnd.Server, "--token-file", headEnd.TokenFilePath);

        Assert.True(code == 0, error);
    }
}
