using System.Diagnostics;
using System.Globalization;
using Meterline.Dlms.Profiles;
using Meterline.HeadEnd.Testing;
using Meterline.Meter.State;
using Meterline.Simulator.Fleet;
using Meterline.Simulator.Provisioning;

namespace Meterline.Benchmarks;

/// <summary>
/// `dotnet run -c Release --project bench/Meterline.Benchmarks -- fleet N [DAYS]`: how many meters one simulator
/// process holds and steps. Builds N meters of the shipped profile (as `meterline sim` does, state in a temporary
/// directory), steps them through DAYS simulated days (default 1) in 15-minute ticks on all cores, and prints the
/// memory per meter (GC heap and working set, after building and after the run) and the stepping rate. Not a
/// BenchmarkDotNet benchmark: it measures a whole fleet once, as an operator sizing a machine would.
/// </summary>
internal static class FleetCapacity
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Tick = TimeSpan.FromMinutes(15);

    public static void Run(int meters, int days)
    {
        var profile = MeterProfile.Load(FindProfile());
        var state = Directory.CreateTempSubdirectory("meterline-fleet-bench-").FullName;
        try
        {
            var (heap0, set0) = Memory();
            var time = new ManualTimeProvider(Start);
            var store = new FileMeterStateStore(state, flushToDisk: false);
            var build = Stopwatch.StartNew();
            var provisioning = FleetProvisioning.Create(new FleetLayout { Meters = meters, ProfileId = profile.Id });
            var fleet = provisioning.Meters.Select(p => FleetSimulator.CreateMeter(p, profile, 1, store, time)).ToArray();
            build.Stop();
            var (heap1, set1) = Memory();

            var ticks = (int)(TimeSpan.FromDays(days) / Tick);
            var run = Stopwatch.StartNew();
            for (var t = 0; t < ticks; t++)
            {
                time.Advance(Tick);
                Parallel.For(0, fleet.Length, i => fleet[i].AdvanceTo());
            }

            run.Stop();
            var (heap2, set2) = Memory();
            var pushes = fleet.Sum(m => m.PendingPushes);
            var meterTicks = (double)meters * ticks;

            Print($"meters                         {meters:N0} ({Environment.ProcessorCount} cores, server GC {System.Runtime.GCSettings.IsServerGC})");
            Print($"build                          {build.Elapsed.TotalSeconds:0.00} s ({build.Elapsed.TotalMilliseconds / meters:0.000} ms per meter)");
            Print($"GC heap per meter, built       {(heap1 - heap0) / meters / 1024.0:N1} KiB");
            Print($"working set per meter, built   {(set1 - set0) / meters / 1024.0:N1} KiB");
            Print($"simulated                      {days} day(s) in {ticks} ticks of {Tick.TotalMinutes:0} min: {run.Elapsed.TotalSeconds:0.00} s");
            Print($"meter ticks per second         {meterTicks / run.Elapsed.TotalSeconds:N0} (each a 15-min AdvanceTo: 15 metrology steps)");
            Print($"simulated speed sustainable    {TimeSpan.FromDays(days).TotalSeconds / run.Elapsed.TotalSeconds:N0}x real time for the whole fleet");
            Print($"GC heap per meter, after run   {(heap2 - heap0) / meters / 1024.0:N1} KiB");
            Print($"working set per meter, after   {(set2 - set0) / meters / 1024.0:N1} KiB");
            Print($"pushes queued (no destination) {pushes:N0}");
            GC.KeepAlive(fleet);
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }

    private static void Print(FormattableString line) => Console.WriteLine(line.ToString(CultureInfo.InvariantCulture));

    private static (long Heap, long WorkingSet) Memory()
    {
        var live = LiveHeap.Measure();
        using var process = Process.GetCurrentProcess();
        return (live, process.WorkingSet64);
    }

    internal static string FindProfile()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "profiles", "is15959-single-phase.json");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("profiles/is15959-single-phase.json not found above " + AppContext.BaseDirectory);
    }

    /// <summary>True time that moves only when told: the run measures stepping, not waiting.</summary>
    internal sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
    {
        private long _ticks = start.UtcTicks;

        public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

        public void Advance(TimeSpan span) => Interlocked.Add(ref _ticks, span.Ticks);
    }
}
