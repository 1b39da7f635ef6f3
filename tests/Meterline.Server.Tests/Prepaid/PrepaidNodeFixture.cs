namespace Meterline.Server.Tests.Prepaid;

/// <summary>One running node with the example tariffs and its own prepaid loop off; each test makes a <see cref="PrepaidHarness"/> with a consumer of its own.</summary>
public sealed class PrepaidNodeFixture : IAsyncLifetime
{
    internal RunningNode Node { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Node = await RunningNode.StartAsync(o => o with { Tariffs = Path.Combine(RunningServer.RepositoryRoot(), "docs", "examples", "tariffs.json"), Prepaid = null, Analytics = null });

    public async Task DisposeAsync() => await Node.DisposeAsync();
}
