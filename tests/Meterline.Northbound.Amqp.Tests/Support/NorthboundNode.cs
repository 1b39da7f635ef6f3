using System.Net;
using Meterline.EndToEnd.Tests.Support;
using Meterline.HeadEnd.Northbound;
using Meterline.Server.Hosting;
using Meterline.Storage.Tests.Support;

namespace Meterline.Northbound.Amqp.Tests.Support;

/// <summary>
/// A real head-end node publishing northbound to the private RabbitMQ node (its own exchange), on a fresh database of
/// the test's engine, with a push listener on 127.0.0.1 and its services running as the web host runs them (the read
/// scheduler and back-fill off). The relay retries fast so that a broker restart is noticed within a second.
/// </summary>
internal sealed class NorthboundNode : IAsyncDisposable
{
    private static readonly TimeSpan StopBound = TimeSpan.FromSeconds(30);

    private readonly IStorageTarget _target;
    private readonly string _directory;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(HeadEndLoop Loop, Task Running)> _loops = [];

    private NorthboundNode(IStorageTarget target, string directory, string database, string exchange, HeadEndNode node)
    {
        _target = target;
        _directory = directory;
        Database = database;
        Exchange = exchange;
        Node = node;
    }

    public HeadEndNode Node { get; }

    public string Database { get; }

    public string Exchange { get; }

    public IPEndPoint PushEndpoint => Node.PushEndpoints[0];

    public AmqpNorthbound Northbound => Node.Northbound ?? throw new InvalidOperationException("Northbound publishing is off.");

    public static async Task<NorthboundNode> StartAsync(IStorageTarget target, RabbitMqNode broker, string exchange, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("meterline-northbound-node-").FullName;
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
            Northbound = new AmqpNorthboundOptions
            {
                Publisher = new AmqpPublisherOptions { Uri = broker.Uri, Password = broker.Password, Exchange = exchange, ConnectTimeout = TimeSpan.FromSeconds(5) },
                Outbox = new NorthboundOptions { MinRetryDelay = TimeSpan.FromMilliseconds(100), MaxRetryDelay = TimeSpan.FromSeconds(1), PollInterval = TimeSpan.FromMilliseconds(200) },
            },
        };
        try
        {
            var node = await HeadEndNode.OpenAsync(options, cancellationToken);
            var running = new NorthboundNode(target, directory, database, exchange, node);
            foreach (var loop in node.Loops)
            {
                running._loops.Add((loop, Task.Run(() => loop.RunAsync(running._stop.Token))));
            }

            return running;
        }
        catch
        {
            await target.DropDatabaseAsync(database, CancellationToken.None);
            Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    /// <summary>Every long-running service is still running.</summary>
    public void AssertRunning()
    {
        foreach (var (loop, task) in _loops)
        {
            Assert.False(task.IsCompleted, $"The node's service {loop.Name} ended ({task.Status}): {task.Exception?.GetBaseException().Message}");
        }
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
