using System.Buffers.Binary;
using Meterline.Dlms.Profiles;
using Meterline.Meter.State;
using Meterline.Simulator.Fleet;
using Meterline.Simulator.Provisioning;

namespace Meterline.LoadHarness;

/// <summary>
/// The fleet of a storm: each meter's one push (its next usage DataNotification, secured with its own keys and next
/// invocation counter, exactly as it sends it) and the provisioning file. Meters are built in chunks and dropped once
/// they have pushed, so 100,000 meters need not be in memory at once. A fleet can be kept in a directory
/// (<see cref="Save"/>, <see cref="TryLoad"/>; the provisioning in parts, <see cref="ProvisioningPaths"/>) with the database it was imported into, so that a series of storm runs
/// skips the recording and the import (both far slower than the storm on a loaded machine).
/// </summary>
internal sealed class StormFleet
{
    private const int Chunk = 2_048;
    private const string PushesFile = "pushes.bin";
    private const string PartPrefix = "fleet-";

    /// <summary>The 15 minutes before a working day's 01:15: no billing date, no midnight.</summary>
    private static readonly DateTimeOffset Start = new(2026, 3, 10, 1, 0, 0, TimeSpan.Zero);

    private StormFleet(IReadOnlyList<string> provisioningPaths, IReadOnlyList<byte[]> pushes)
    {
        ProvisioningPaths = provisioningPaths;
        Pushes = pushes;
    }

    /// <summary>
    /// The provisioning files, one per simulator fleet of at most <see cref="FleetLayout.MaxMeters"/> meters (a
    /// provisioning file is bounded at 32 MiB, some 60,000 meters), in the storm's order.
    /// </summary>
    public IReadOnlyList<string> ProvisioningPaths { get; }

    /// <summary>Every meter of the storm as provisioned, in order.</summary>
    public IReadOnlyList<ProvisionedMeter> ReadProvisioning() => [.. ProvisioningPaths.SelectMany(p => FleetProvisioningFile.Read(p).Meters)];

    /// <summary>Imports the fleet into <paramref name="node"/>, a provisioning file at a time.</summary>
    public async Task ImportAsync(Server.Hosting.HeadEndNode node, CancellationToken cancellationToken)
    {
        foreach (var path in ProvisioningPaths)
        {
            var report = await node.Provisioner.ImportFileAsync(path, "load-harness", cancellationToken);
            if (report.Refused != 0)
            {
                throw new InvalidOperationException($"Provisioning refused meters: {report}");
            }
        }
    }

    /// <summary>Each meter's secured APDU, in the provisioning file's order.</summary>
    public IReadOnlyList<byte[]> Pushes { get; }

    public static StormFleet Make(int meters, string directory)
    {
        var profile = MeterProfile.Load(HarnessPaths.ProfilePath);
        // A simulator fleet has at most FleetLayout.MaxMeters (its HDLC addresses); a storm's meters are several such
        // fleets renumbered one after another (serials, system titles and households by their index in the storm).
        var paths = new List<string>();
        var all = new List<ProvisionedMeter>(meters);
        for (var part = 0; part * FleetLayout.MaxMeters < meters; part++)
        {
            var offset = part * FleetLayout.MaxMeters;
            var fleetPart = new FleetProvisioning([.. FleetProvisioning.Create(new FleetLayout { Meters = Math.Min(FleetLayout.MaxMeters, meters - offset), ProfileId = profile.Id, Port = 1 }).Meters
                .Select((m, i) => m with { Id = FleetAddressing.IdOf(offset + i), SystemTitle = FleetAddressing.SystemTitleOf(offset + i), HouseholdSeed = FleetAddressing.HouseholdSeedOf(1, offset + i) })]);
            var path = PartPath(directory, part);
            FleetProvisioningFile.Write(path, fleetPart);
            paths.Add(path);
            all.AddRange(fleetPart.Meters);
        }

        var provisioning = new FleetProvisioning(all);

        var pushes = new byte[meters][];
        var states = Path.Combine(directory, "meters");
        for (var first = 0; first < meters; first += Chunk)
        {
            var count = Math.Min(Chunk, meters - first);
            var clock = new ManualClock(Start);
            var store = new FileMeterStateStore(states, flushToDisk: false);
            var chunk = provisioning.Meters.Skip(first).Take(count).Select(p => FleetSimulator.CreateMeter(p, profile, 1, store, clock)).ToArray();
            clock.Advance(TimeSpan.FromMinutes(15));
            Parallel.For(0, chunk.Length, m =>
            {
                var meter = chunk[m];
                meter.AdvanceTo();
                if (!meter.TryTakePush(out var push))
                {
                    throw new InvalidOperationException("A meter had no push due after an interval.");
                }

                pushes[first + m] = push.Apdu.ToArray();
                meter.CompletePush(push.Sequence, delivered: true);
            });
        }

        Directory.Delete(states, recursive: true);
        return new StormFleet(paths, pushes);
    }

    /// <summary>Writes the pushes beside the provisioning file (which must already be in <paramref name="directory"/>).</summary>
    public void Save(string directory)
    {
        using var file = File.Create(Path.Combine(directory, PushesFile));
        Span<byte> length = stackalloc byte[4];
        foreach (var push in Pushes)
        {
            BinaryPrimitives.WriteInt32LittleEndian(length, push.Length);
            file.Write(length);
            file.Write(push);
        }
    }

    /// <summary>The fleet kept in <paramref name="directory"/>, or null when there is none of <paramref name="meters"/> meters.</summary>
    public static StormFleet? TryLoad(string directory, int meters)
    {
        var path = Path.Combine(directory, PushesFile);
        var parts = new List<string>();
        while (File.Exists(PartPath(directory, parts.Count)))
        {
            parts.Add(PartPath(directory, parts.Count));
        }

        if (!File.Exists(path) || parts.Count == 0)
        {
            return null;
        }

        var pushes = new List<byte[]>(meters);
        using var file = new BufferedStream(File.OpenRead(path));
        Span<byte> length = stackalloc byte[4];
        while (file.Read(length) == 4)
        {
            var push = new byte[BinaryPrimitives.ReadInt32LittleEndian(length)];
            file.ReadExactly(push);
            pushes.Add(push);
        }

        return pushes.Count == meters ? new StormFleet(parts, pushes) : null;
    }

    private static string PartPath(string directory, int part) => Path.Combine(directory, PartPrefix + part.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".json");
}
