using System.Diagnostics;
using System.Globalization;
using Meterline.Dlms.Profiles;
using Meterline.Benchmarks.Zigbee;
using Meterline.HeadEnd.Dlms.Ingest;
using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Meters;
using RegisteredMeter = Meterline.HeadEnd.Meters.Meter;
using Meterline.Meter.State;
using Meterline.Simulator.Fleet;
using Meterline.Simulator.Provisioning;

namespace Meterline.Benchmarks;

/// <summary>
/// The decode stage of ingest alone (<c>push-decode [meters] [rounds]</c>): a simulated fleet's recorded usage pushes
/// (general-glo-ciphering, the shipped profile) through <see cref="DlmsPushDecoder.DecodeAsync"/> — verify and decrypt
/// with the meter's cached cipher, then map — once with the direct usage reader and once through the generic
/// <c>CosemData</c> tree (<see cref="DlmsPushDecoderOptions.DirectUsagePath"/> off), alternating rounds. Prints the
/// CPU time (user and kernel, this process) and the bytes allocated per push of each, and the load average: CPU time
/// is the figure to compare on a shared machine.
/// </summary>
internal static class PushDecodeCost
{
    private static readonly DateTimeOffset Start = new(2026, 3, 10, 1, 0, 0, TimeSpan.Zero);

    public static void Run(int meters, int rounds)
    {
        var profile = MeterProfile.Load(FleetCapacity.FindProfile());
        var state = Directory.CreateTempSubdirectory("meterline-decode-bench-").FullName;
        try
        {
            var provisioning = FleetProvisioning.Create(new FleetLayout { Meters = meters, ProfileId = profile.Id, Port = 1 });
            var time = new FleetCapacity.ManualTimeProvider(Start);
            var store = new FileMeterStateStore(state, flushToDisk: false);
            var fleet = provisioning.Meters.Select(p => FleetSimulator.CreateMeter(p, profile, 1, store, time)).ToArray();
            var registered = provisioning.Meters
                .Select((p, i) => new RegisteredMeter(new MeterId(i + 1), p.Id, new MeterSystemTitle(p.SystemTitle.Value), profile.Id, null, null, null, null, null,
                    SecurityLevel.AuthenticatedEncrypted, default, default, null, KeyStatus.Active, 1))
                .ToArray();
            var inspector = new DlmsSecuredApduInspector();
            var pushes = new List<(InboundFrame Frame, SecuredApduHeader Header, RegisteredMeter Meter)>();
            for (var interval = 0; interval < 4; interval++)
            {
                time.Advance(TimeSpan.FromMinutes(15));
                for (var m = 0; m < fleet.Length; m++)
                {
                    fleet[m].AdvanceTo();
                    while (fleet[m].TryTakePush(out var push))
                    {
                        fleet[m].CompletePush(push.Sequence, delivered: true);
                        if (inspector.Inspect(push.Apdu.Span, out var header) == HeaderInspection.Read)
                        {
                            pushes.Add((new InboundFrame("bench", "127.0.0.1", push.Apdu, Start), header, registered[m]));
                        }
                    }
                }
            }

            var keyring = new BenchKeyring(provisioning.Meters);
            using var direct = new DlmsPushDecoder(keyring, [profile]);
            using var generic = new DlmsPushDecoder(keyring, [profile], new DlmsPushDecoderOptions { DirectUsagePath = false });
            Measure(direct, pushes, 1); // warm-up: ciphers made, code jitted
            Measure(generic, pushes, 1);
            var totals = new (TimeSpan Cpu, long Bytes, long Pushes)[2];
            for (var round = 0; round < rounds; round++)
            {
                for (var which = 0; which < 2; which++)
                {
                    var (cpu, bytes, count) = Measure(which == 0 ? direct : generic, pushes, 5);
                    totals[which] = (totals[which].Cpu + cpu, totals[which].Bytes + bytes, totals[which].Pushes + count);
                }
            }

            Console.WriteLine(Invariant($"pushes: {pushes.Count:N0} recorded from {meters:N0} meters, {rounds} rounds of 5 passes each way; load average {LoadAverage()}"));
            Print("direct usage reader", totals[0]);
            Print("generic CosemData tree", totals[1]);
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }

    private static (TimeSpan Cpu, long Bytes, long Pushes) Measure(DlmsPushDecoder decoder, List<(InboundFrame Frame, SecuredApduHeader Header, RegisteredMeter Meter)> pushes, int passes)
    {
        using var process = Process.GetCurrentProcess();
        var cpu0 = process.TotalProcessorTime;
        var bytes0 = GC.GetAllocatedBytesForCurrentThread();
        for (var pass = 0; pass < passes; pass++)
        {
            foreach (var (frame, header, meter) in pushes)
            {
                var result = decoder.DecodeAsync(frame, header, meter);
                if (!result.IsCompletedSuccessfully || result.Result.Push is null)
                {
                    throw new InvalidOperationException($"push refused: {result.Result.Reason} {result.Result.Detail}");
                }
            }
        }

        var bytes = GC.GetAllocatedBytesForCurrentThread() - bytes0;
        process.Refresh();
        return (process.TotalProcessorTime - cpu0, bytes, (long)pushes.Count * passes);
    }

    private static void Print(string name, (TimeSpan Cpu, long Bytes, long Pushes) total) =>
        Console.WriteLine(Invariant($"{name,-24} {total.Cpu.TotalMicroseconds / total.Pushes,7:0.00} µs CPU per push, {(double)total.Bytes / total.Pushes,7:N0} B allocated per push"));

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
