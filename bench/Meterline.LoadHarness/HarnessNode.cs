using Meterline.Server.Hosting;

namespace Meterline.LoadHarness;

/// <summary>
/// One head-end node in this process, as <c>meterline serve</c> runs it without the web host: <see cref="HeadEndNode"/>
/// opened on the given database, a fleet's provisioning file imported, and the node's long-running services (ingest
/// writer, push receivers, command dispatcher) running until disposed.
/// </summary>
internal sealed class HarnessNode : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];

    private HarnessNode(HeadEndNode node)
    {
        Node = node;
    }

    public HeadEndNode Node { get; }

    /// <summary>Throws the failure of a node loop that ended with one (the node would fail-stop under <c>meterline serve</c>; a run must not wait on it).</summary>
    public void ThrowIfLoopFailed()
    {
        if (_loops.FirstOrDefault(l => l.IsFaulted) is { } failed)
        {
            throw new InvalidOperationException("A node loop failed.", failed.Exception);
        }
    }

    /// <param name="provisioningPath">The fleet to import, or null for a database the fleet was imported into before (the storm's kept fleet).</param>
    /// <exception cref="InvalidOperationException">The database already holds meters (the harness needs an empty one: its fleet has fresh keys).</exception>
    public static async Task<HarnessNode> StartAsync(HeadEndOptions options, string? provisioningPath, CancellationToken cancellationToken)
    {
        var node = await HeadEndNode.OpenAsync(options, cancellationToken);
        try
        {
            if (provisioningPath is not null)
            {
                if (await node.Meters.CountAsync(cancellationToken) != 0)
                {
                    throw new InvalidOperationException("The database already holds meters: give the harness an empty database (its fleet is provisioned with fresh keys).");
                }

                var report = await node.Provisioner.ImportFileAsync(provisioningPath, "load-harness", cancellationToken);
                if (report.Refused != 0)
                {
                    throw new InvalidOperationException($"Provisioning refused meters: {report}");
                }
            }
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }

        var harness = new HarnessNode(node);
        foreach (var loop in node.Loops)
        {
            harness._loops.Add(Task.Run(() => loop.RunAsync(harness._stop.Token), CancellationToken.None));
        }

        return harness;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await Task.WhenAll(_loops).WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (OperationCanceledException)
        {
        }

        await Node.DisposeAsync();
        _stop.Dispose();
    }
}
