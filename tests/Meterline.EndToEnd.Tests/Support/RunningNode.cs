using System.Net;
using Meterline.HeadEnd.Audit;
using Meterline.Server.Hosting;
using Meterline.Storage.Tests.Support;

namespace Meterline.EndToEnd.Tests.Support;

/// <summary>
/// A real head-end node (<see cref="HeadEndNode"/>) on a fresh database of the test's engine, with a key file in a
/// temporary directory, the shipped meter profiles and a push listener on 127.0.0.1 (a free port), its long-running
/// services running as the web host would run them. The read scheduler and the back-fill loop are off unless a test
/// turns them on: the tests drive back-fill themselves, on the fleet's clock.
/// </summary>
internal sealed class RunningNode : IAsyncDisposable
{
    private static readonly TimeSpan StopBound = TimeSpan.FromSeconds(30);

    private readonly IStorageTarget _target;
    private readonly string _directory;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(HeadEndLoop Loop, Task Running)> _loops = [];

    private RunningNode(IStorageTarget target, string directory, string database, HeadEndNode node)
    {
        _target = target;
        _directory = directory;
        Database = database;
        Node = node;
    }

    public HeadEndNode Node { get; }

    /// <summary>The connection string of the node's database.</summary>
    public string Database { get; }

    /// <summary>Where the node takes pushes (TCP, IEC 62056-47 wrapper).</summary>
    public IPEndPoint PushEndpoint => Node.PushEndpoints[0];

    public static async Task<RunningNode> StartAsync(IStorageTarget target, Func<HeadEndOptions, HeadEndOptions>? configure, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("meterline-e2e-node-").FullName;
        var database = await target.CreateDatabaseAsync(cancellationToken);
        var options = new HeadEndOptions
        {
            Database = database,
            KeyFile = Path.Combine(directory, "node.kek"),
            CreateKeyFile = true,
            ProfilesDirectory = Repository.ProfilesDirectory,
            PushListeners = [new IPEndPoint(IPAddress.Loopback, 0)],
            UdpPushListeners = [],
            Scheduler = null,
            Backfill = null,
        };
        HeadEndNode node;
        try
        {
            node = await HeadEndNode.OpenAsync(configure?.Invoke(options) ?? options, cancellationToken);
        }
        catch
        {
            await target.DropDatabaseAsync(database, CancellationToken.None);
            Directory.Delete(directory, recursive: true);
            throw;
        }

        var running = new RunningNode(target, directory, database, node);
        foreach (var loop in node.Loops)
        {
            running._loops.Add((loop, Task.Run(() => loop.RunAsync(running._stop.Token))));
        }

        return running;
    }

    /// <summary>
    /// The node survived: every long-running service is still running (each runs until it is stopped; one that ended
    /// or failed would leave the node half-working), and the audit chain verifies from its first entry.
    /// </summary>
    public async Task AssertSurvivedAsync(CancellationToken cancellationToken)
    {
        foreach (var (loop, task) in _loops)
        {
            Assert.False(task.IsCompleted, $"The node's service {loop.Name} ended ({task.Status}): {task.Exception?.GetBaseException().Message}");
        }

        var verification = await Node.AuditVerifier.VerifyAsync(cancellationToken: cancellationToken);
        Assert.True(verification.IsIntact, verification.Reason);
        Assert.True(verification.EntriesVerified > 0, "The audit log is empty.");
    }

    /// <summary>The audit records of one action, oldest first.</summary>
    public async Task<List<AuditRecord>> AuditRecordsAsync(string action, CancellationToken cancellationToken)
    {
        var records = new List<AuditRecord>();
        await foreach (var record in Node.Stores.Audit.ReadAsync(1, cancellationToken))
        {
            if (record.Action == action)
            {
                records.Add(record);
            }
        }

        return records;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await Task.WhenAll(_loops.Select(l => l.Running)).WaitAsync(StopBound);
        }
        finally
        {
            await Node.DisposeAsync();
            using var cleanup = new CancellationTokenSource(StopBound);
            await _target.DropDatabaseAsync(Database, cleanup.Token);
            Directory.Delete(_directory, recursive: true);
            _stop.Dispose();
        }
    }
}
