using Meterline.HeadEnd.Meters;
using Meterline.Storage;
using Meterline.Web.Shell;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Meterline.Web.Tests.Units;

/// <summary>
/// The one fleet snapshot every circuit reads, over a real SQLite store whose meter reads are counted: N circuits
/// cause one read per refresh interval, each gets every new snapshot, and nothing is read while no one watches.
/// </summary>
public sealed class SharedFleetSnapshotTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly string _directory = Directory.CreateTempSubdirectory("meterline-fleet-").FullName;
    private IHeadEndStorage _storage = null!;
    private CountingProxy<IMeterRepository> _reads = null!;
    private SharedFleetSnapshot _fleet = null!;

    public async Task InitializeAsync()
    {
        _storage = await HeadEndStorage.OpenAsync("Data Source=" + Path.Combine(_directory, "fleet.db"));
        var (meters, counter) = CountingProxy<IMeterRepository>.Wrap(_storage.Meters);
        _reads = counter;
        _fleet = new SharedFleetSnapshot(meters, _storage.Alerts, new OperatorAppOptions { RefreshInterval = Interval }, _time, NullLogger<SharedFleetSnapshot>.Instance);
        for (var i = 1; i <= 3; i++)
        {
            await AddMeterAsync(i);
        }
    }

    public async Task DisposeAsync()
    {
        await _fleet.DisposeAsync();
        await _storage.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task GetAsync_ManyCircuitsAtOnce_OneRead()
    {
        var snapshots = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => _fleet.GetAsync(CancellationToken.None))).WaitAsync(Bound);

        Assert.All(snapshots, s => Assert.Same(snapshots[0], s));
        Assert.Equal(3, snapshots[0].Meters.Count);
        Assert.Equal(1, _reads.Count(nameof(IMeterRepository.ReadAllAsync)));
        Assert.Equal(1, _fleet.Reads);
    }

    [Fact]
    public async Task Watch_FiveCircuits_OneReadPerIntervalAndEveryCircuitUpdated()
    {
        await _fleet.GetAsync(CancellationToken.None).WaitAsync(Bound);
        var watches = Enumerable.Range(0, 5).Select(_ => _fleet.Watch()!).ToList();

        for (var period = 1; period <= 3; period++)
        {
            if (period == 3)
            {
                await AddMeterAsync(4);
            }

            _time.Advance(Interval);
            var seen = await Task.WhenAll(watches.Select(w => w.Updates.ReadAsync().AsTask())).WaitAsync(Bound);

            Assert.Equal(1 + period, _reads.Count(nameof(IMeterRepository.ReadAllAsync)));
            Assert.All(seen, s => Assert.Same(seen[0], s));
            Assert.Equal(period == 3 ? 4 : 3, seen[0].Meters.Count);
        }

        // A page opening now is answered from the snapshot just taken.
        await _fleet.GetAsync(CancellationToken.None).WaitAsync(Bound);
        Assert.Equal(4, _reads.Count(nameof(IMeterRepository.ReadAllAsync)));
        foreach (var watch in watches)
        {
            watch.Dispose();
        }

        Assert.Equal(0, _fleet.Watchers);
    }

    [Fact]
    public async Task Watch_LastCircuitLeaves_NoMoreReads()
    {
        var watch = _fleet.Watch()!;
        _time.Advance(Interval);
        await watch.Updates.ReadAsync().AsTask().WaitAsync(Bound);
        Assert.Equal(1, _fleet.Reads);

        watch.Dispose();
        for (var i = 0; i < 5; i++)
        {
            _time.Advance(Interval);
        }

        // A new watcher starts the refresh again (after the stopped one has ended): the next interval is read once.
        var again = _fleet.Watch()!;
        _time.Advance(Interval);
        await again.Updates.ReadAsync().AsTask().WaitAsync(Bound);
        Assert.Equal(2, _fleet.Reads);
        Assert.Equal(2, _reads.Count(nameof(IMeterRepository.ReadAllAsync)));
        again.Dispose();
    }

    private Task<HeadEnd.Meters.Meter> AddMeterAsync(int n) =>
        _storage.Meters.AddAsync(new MeterRegistration($"FS{n:D6}", new MeterSystemTitle(0x4D544C00F0000000UL + (ulong)n), "is15959-single-phase"));
}
