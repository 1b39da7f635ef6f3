using System.Net;
using Meterline.Dlms.Profiles;
using Meterline.HeadEnd.Ingest;
using Meterline.Meter.State;
using Meterline.Server.Hosting;
using Meterline.Simulator.Fleet;
using Meterline.Simulator.Provisioning;
using Microsoft.Extensions.Time.Testing;

namespace Meterline.Ingress.Tests;

/// <summary>
/// A real head-end node (SQLite in a temporary directory, the node's own pipeline, guard, connection gate and wrapper
/// push receivers on loopback TCP and UDP) with a provisioned fleet imported: <see cref="Honest"/> meters whose real
/// pushes (made by <see cref="SmartMeter"/>s stepped through 15-minute intervals on a fake clock, ciphered with their
/// keys) are ready to send, and one more meter, <see cref="Attacker"/>, whose identity floods use.
/// </summary>
internal sealed class IngressNode : IAsyncDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 3, 10, 1, 0, 0, TimeSpan.Zero);
    private readonly string _directory;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];

    private IngressNode(string directory, HeadEndNode node, FleetProvisioning fleet, IReadOnlyList<IReadOnlyList<byte[]>> pushes)
    {
        _directory = directory;
        Node = node;
        Fleet = fleet;
        Pushes = pushes;
    }

    public HeadEndNode Node { get; }

    public FleetProvisioning Fleet { get; }

    /// <summary>The honest meters (all but the last of the fleet).</summary>
    public IReadOnlyList<ProvisionedMeter> Honest => [.. Fleet.Meters.Take(Fleet.Meters.Count - 1)];

    /// <summary>The meter whose identity attacks use (the last of the fleet); it sends nothing itself.</summary>
    public ProvisionedMeter Attacker => Fleet.Meters[^1];

    /// <summary>Each honest meter's pushes (secured APDUs), in the order it made them.</summary>
    public IReadOnlyList<IReadOnlyList<byte[]>> Pushes { get; }

    public IPEndPoint TcpEndpoint => Node.PushEndpoints[0];

    public IPEndPoint UdpEndpoint => Node.UdpPushEndpoints[0];

    public IngestMetrics Metrics => Node.Pipeline.Metrics;

    /// <param name="honestMeters">Meters that push honestly.</param>
    /// <param name="intervals">15-minute intervals of pushes made for each.</param>
    /// <param name="configure">Changes to the node's options (guard quotas, connection limits).</param>
    public static async Task<IngressNode> StartAsync(int honestMeters, int intervals, Func<HeadEndOptions, HeadEndOptions>? configure = null)
    {
        var directory = Directory.CreateTempSubdirectory("meterline-ingress-").FullName;
        var profiles = FindProfiles();
        var profile = MeterProfile.Load(Path.Combine(profiles, "is15959-single-phase.json"));
        var fleet = FleetProvisioning.Create(new FleetLayout { Meters = honestMeters + 1, ProfileId = profile.Id, Port = 1 });
        var provisioningPath = Path.Combine(directory, "fleet.json");
        FleetProvisioningFile.Write(provisioningPath, fleet);
        var pushes = Record(fleet.Meters.Take(honestMeters).ToList(), profile, intervals, Path.Combine(directory, "meters"));

        var options = new HeadEndOptions
        {
            Database = Path.Combine(directory, "hes.db"),
            KeyFile = Path.Combine(directory, "hes.kek"),
            CreateKeyFile = true,
            ProfilesDirectory = profiles,
            PushListeners = [new IPEndPoint(IPAddress.Loopback, 0)],
            UdpPushListeners = [new IPEndPoint(IPAddress.Loopback, 0)],
            Scheduler = null,
            Backfill = null,
        };
        var node = await HeadEndNode.OpenAsync(configure?.Invoke(options) ?? options);
        try
        {
            var report = await node.Provisioner.ImportFileAsync(provisioningPath, "ingress-tests");
            Assert.Equal(0, report.Refused);
            await node.Pipeline.LoadAsync();
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }

        var ingress = new IngressNode(directory, node, fleet, pushes);
        foreach (var loop in node.Loops)
        {
            ingress._loops.Add(Task.Run(() => loop.RunAsync(ingress._stop.Token), CancellationToken.None));
        }

        return ingress;
    }

    /// <summary>Readings stored for every meter.</summary>
    public Task<long> CountReadingsAsync() => Node.Storage.Readings.CountReadingsAsync();

    /// <summary>The audit entries with <paramref name="action"/> (newest first, at most 10,000 looked at).</summary>
    public async Task<IReadOnlyList<HeadEnd.Audit.AuditRecord>> AuditAsync(string action) =>
        [.. (await Node.Storage.Audit.GetRecentAsync(null, 10_000)).Where(r => r.Action == action)];

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
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static List<IReadOnlyList<byte[]>> Record(List<ProvisionedMeter> meters, MeterProfile profile, int intervals, string stateDirectory)
    {
        var clock = new FakeTimeProvider(Start);
        var store = new FileMeterStateStore(stateDirectory, flushToDisk: false);
        var fleet = meters.Select(p => FleetSimulator.CreateMeter(p, profile, 1, store, clock)).ToArray();
        var pushes = fleet.Select(_ => new List<byte[]>(intervals)).ToList();
        for (var i = 0; i < intervals; i++)
        {
            clock.Advance(TimeSpan.FromMinutes(15));
            for (var m = 0; m < fleet.Length; m++)
            {
                fleet[m].AdvanceTo();
                while (fleet[m].TryTakePush(out var push))
                {
                    pushes[m].Add(push.Apdu.ToArray());
                    fleet[m].CompletePush(push.Sequence, delivered: true);
                }
            }
        }

        return [.. pushes];
    }

    private static string FindProfiles()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "profiles");
            if (File.Exists(Path.Combine(candidate, "is15959-single-phase.json")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("profiles/ not found above " + AppContext.BaseDirectory);
    }
}
