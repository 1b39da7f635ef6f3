using Meterline.Dlms.Profiles;
using Meterline.Meter.State;
using Meterline.Simulator.Fleet;
using Meterline.Simulator.Provisioning;

namespace Meterline.LoadHarness;

/// <summary>
/// A simulated fleet's pushes, made before the measurement so that the simulator's own cost is not in it: N meters of
/// the shipped profile (as <c>meterline sim</c> builds them, fresh keys, state in a temporary directory) are stepped
/// through whole 15-minute intervals on a manual clock, and after each interval every push due is taken — ciphered
/// (general-glo-ciphering, authenticated and encrypted) with the meter's next invocation counter, exactly as the
/// meter sends it. The provisioning file for the head-end is written beside.
/// </summary>
internal sealed class RecordedPushes
{
    /// <summary>A working day from 01:00: no billing date, no midnight.</summary>
    private static readonly DateTimeOffset Start = new(2026, 3, 10, 1, 0, 0, TimeSpan.Zero);

    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(15);

    private RecordedPushes(string provisioningPath, IReadOnlyList<IReadOnlyList<byte[]>> byMeter)
    {
        ProvisioningPath = provisioningPath;
        ByMeter = byMeter;
    }

    public string ProvisioningPath { get; }

    /// <summary>Each meter's pushes (secured APDUs) in the order it sent them.</summary>
    public IReadOnlyList<IReadOnlyList<byte[]>> ByMeter { get; }

    public int Count => ByMeter.Sum(m => m.Count);

    /// <summary>Writes <see cref="ByMeter"/> to a file (for a publisher process: <see cref="ReadByMeter"/>).</summary>
    public void WriteByMeter(string path)
    {
        using var writer = new BinaryWriter(File.Create(path));
        writer.Write(ByMeter.Count);
        foreach (var meter in ByMeter)
        {
            writer.Write(meter.Count);
            foreach (var apdu in meter)
            {
                writer.Write(apdu.Length);
                writer.Write(apdu);
            }
        }
    }

    /// <summary>Reads what <see cref="WriteByMeter"/> wrote.</summary>
    public static IReadOnlyList<IReadOnlyList<byte[]>> ReadByMeter(string path)
    {
        using var reader = new BinaryReader(File.OpenRead(path));
        var byMeter = new IReadOnlyList<byte[]>[reader.ReadInt32()];
        for (var m = 0; m < byMeter.Length; m++)
        {
            var pushes = new byte[reader.ReadInt32()][];
            for (var n = 0; n < pushes.Length; n++)
            {
                pushes[n] = reader.ReadBytes(reader.ReadInt32());
            }

            byMeter[m] = pushes;
        }

        return byMeter;
    }

    public static RecordedPushes Make(int meters, int intervals, string directory)
    {
        var profile = MeterProfile.Load(HarnessPaths.ProfilePath);
        var provisioning = FleetProvisioning.Create(new FleetLayout { Meters = meters, ProfileId = profile.Id, Port = 1 });
        var provisioningPath = Path.Combine(directory, "fleet.json");
        FleetProvisioningFile.Write(provisioningPath, provisioning);

        var clock = new ManualClock(Start);
        var store = new FileMeterStateStore(Path.Combine(directory, "meters"), flushToDisk: false);
        var fleet = provisioning.Meters.Select(p => FleetSimulator.CreateMeter(p, profile, 1, store, clock)).ToArray();
        var pushes = fleet.Select(_ => new List<byte[]>(intervals)).ToArray();
        for (var i = 0; i < intervals; i++)
        {
            clock.Advance(Interval);
            Parallel.For(0, fleet.Length, m =>
            {
                var meter = fleet[m];
                meter.AdvanceTo();
                while (meter.TryTakePush(out var push))
                {
                    pushes[m].Add(push.Apdu.ToArray());
                    meter.CompletePush(push.Sequence, delivered: true);
                }
            });
        }

        return new RecordedPushes(provisioningPath, pushes);
    }
}
