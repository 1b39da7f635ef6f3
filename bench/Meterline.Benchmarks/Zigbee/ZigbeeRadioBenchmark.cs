using System.Diagnostics;
using System.Globalization;
using Meterline.Dlms.Profiles;
using Meterline.Dlms.Security;
using Meterline.HeadEnd.Communication;
using Meterline.HeadEnd.Dlms.Commands;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;
using Meterline.HeadEnd.Zigbee;
using Meterline.Simulator.Fleet;
using Meterline.Simulator.Radio;
using Meterline.Zigbee.Emulator;
using Meterline.Zigbee.Frames;
using HeadEndMeter = Meterline.HeadEnd.Meters.Meter;

namespace Meterline.Benchmarks.Zigbee;

/// <summary>
/// `dotnet run -c Release --project bench/Meterline.Benchmarks -- zigbee [METERS] [SECONDS]`: DLMS through the
/// emulated radio, end to end. A simulated fleet of METERS meters (default 10) with Zigbee radios behind the emulated
/// coordinator on a pseudo-terminal; the head-end's <see cref="LocalZigbeeNetwork"/> opens the pty as a serial port
/// (9,600 baud) and its <see cref="DlmsMeterConnector"/> reaches the meters at <c>zigbee://</c>. Run once with the
/// default link model and once with 10 % of attempts lost per hop (MAC retries on), each measurement for SECONDS
/// (default 20) with one session per meter at a time:
/// <list type="number">
/// <item>sessions: associate (AARQ, HLS-GMAC pass 3/4), GET value and scaler_unit of cumulative import, release;</item>
/// <item>load-profile range reads in an open session: capture_objects, the four columns' scaler_unit, and the buffer
/// with a range_descriptor over two hours (8 entries);</item>
/// <item>push latency: from the moment a meter's push is ciphered and handed to its radio to the moment the head-end's
/// push adapter submits it to the ingest sink, with every meter pushing once per second (the fleet at 900x).</item>
/// </list>
/// Everything is bounded by time; failures are counted, not retried.
/// </summary>
internal static class ZigbeeRadioBenchmark
{
    private const double Speed = 900;
    private const int ApiFrameOverheadOut = 18 + 11; // Transmit Request framing and addressing, and its Transmit Status
    private const int ApiFrameOverheadIn = 16; // Receive Packet framing and addressing
    private const int SegmentHeader = 3;
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly SystemTitle HeadEndTitle = SystemTitle.Parse("4D4C484553000001");

    public static void Run(int meters, int seconds) => RunAsync(meters, TimeSpan.FromSeconds(seconds)).GetAwaiter().GetResult();

    private static async Task RunAsync(int meters, TimeSpan duration)
    {
        Print($"meters {meters}, {duration.TotalSeconds:0} s per measurement, {Environment.ProcessorCount} cores, fleet at {Speed:0}x");
        await RunLinkAsync("default link (250 kbit/s, 1 hop, 2 ms, no loss)", new LinkModel(), meters, duration);
        await RunLinkAsync("10 % loss per attempt, 3 MAC retries", new LinkModel { LossRate = 0.10, Seed = 5 }, meters, duration);
    }

    private static async Task RunLinkAsync(string name, LinkModel link, int count, TimeSpan duration)
    {
        var directory = Directory.CreateTempSubdirectory("meterline-zigbee-bench-").FullName;
        try
        {
            var profilePath = FindProfile();
            var profile = MeterProfile.Load(profilePath);
            await using var fleet = await FleetSimulator.StartAsync(new FleetSimulatorOptions
            {
                Meters = count,
                Speed = Speed,
                Start = Start,
                ProfilePath = profilePath,
                ProvisioningPath = Path.Combine(directory, "fleet.json"),
                StateDirectory = Path.Combine(directory, "state"),
                Hosting = new Simulator.Hosting.FleetHostOptions { Port = 0 },
                Radio = new ZigbeeFleetOptions { Link = link },
            });
            var sink = new TimingFrameSink();
            await using var zigbee = await LocalZigbeeNetwork.OpenAsync(new LocalZigbeeNetworkOptions { SerialPort = fleet.Radio!.DevicePath, BaudRate = 9600, DiscoverAtStart = false }, sink);
            using var stop = new CancellationTokenSource();
            var pushing = zigbee.RunAsync(stop.Token);
            var counting = new CountingLinkOpener(zigbee.LinkOpener, zigbee.Coordinator.MaxPayload - SegmentHeader);
            var connector = new DlmsMeterConnector(new BenchKeyring(fleet.Provisioning.Meters), new BenchCounterStore(), new DlmsMeterConnectorOptions
            {
                SystemTitle = HeadEndTitle,
                Profiles = new Dictionary<string, MeterProfile> { [profile.Id] = profile },
                RequestTimeout = TimeSpan.FromSeconds(20),
                CounterBlockSize = 100_000,
            }, [counting]);
            var meters = fleet.Provisioning.Meters.Select((p, i) => new HeadEndMeter(
                new MeterId(i + 1), p.Id, new MeterSystemTitle(p.SystemTitle.Value), p.ProfileId, null, null, null, null,
                ZigbeeEndpoint.Local(new XBeeAddress64(p.ZigbeeAddress!.Value)).ToMeterEndpoint(), SecurityLevel.AuthenticatedEncrypted,
                RelayState.Unknown, CommunicationStatus.Unknown, null, KeyStatus.Active, 1)).ToArray();
            while (fleet.Time.GetUtcNow() < Start.AddHours(2.25))
            {
                await Task.Delay(100);
            }

            Print($"");
            Print($"== {name}: NP {zigbee.Coordinator.MaxPayload}, API mode {(int)zigbee.Coordinator.ApiMode}, serial 9600 baud (not throttled by the emulator)");

            var before = Radio(fleet, zigbee);
            counting.Reset();
            var sessions = await MeasureAsync(meters, duration, async (meter, token) =>
            {
                await using var session = await connector.OpenAsync(meter, token).ConfigureAwait(false);
                var values = await session.ReadRegistersAsync([Quantity.CumulativeImportEnergy], token).ConfigureAwait(false);
                if (values.Count != 1)
                {
                    throw new MeterCommunicationException("no cumulative import", refused: false, isTransient: false);
                }
            });
            Report("session + GET register", sessions, counting, Radio(fleet, zigbee).Minus(before));

            before = Radio(fleet, zigbee);
            counting.Reset();
            var profiles = await MeasureInSessionsAsync(meters, duration, connector, async (session, meter, token) =>
            {
                var readings = await session.ReadLoadProfileAsync(meter.Id, Start.AddMinutes(15), Start.AddHours(2), token).ConfigureAwait(false);
                if (readings.Select(r => r.Time).Distinct().Count() != 8)
                {
                    throw new MeterCommunicationException("not 8 block entries", refused: false, isTransient: false);
                }
            });
            Report("load-profile range read (8 entries)", profiles, counting, Radio(fleet, zigbee).Minus(before));

            before = Radio(fleet, zigbee);
            var (created, lost, elapsed) = await PushAsync(fleet, sink, duration);
            var radio = Radio(fleet, zigbee).Minus(before);
            Print($"push latency (created -> submitted)  {sink.Latencies.Count} pushes in {elapsed.TotalSeconds:0.0} s ({sink.Latencies.Count / elapsed.TotalSeconds:0.0}/s): p50 {sink.Latencies.Percentile(50):0.0} ms, p99 {sink.Latencies.Percentile(99):0.0} ms, max {sink.Latencies.Percentile(100):0.0} ms; {(double)sink.Bytes / Math.Max(1, sink.Latencies.Count):0} B each; {created} created, {lost} not delivered by the radio, {sink.Outstanding} not arrived, {sink.Unknown} unmatched, {zigbee.PushAdapter.Dropped} dropped");
            Print($"    radio: {radio}");
            await stop.CancelAsync();
            await pushing;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Runs <paramref name="operation"/> in a loop per meter, one at a time per meter, for <paramref name="duration"/>.</summary>
    private static async Task<(Latencies Latencies, TimeSpan Elapsed)> MeasureAsync(HeadEndMeter[] meters, TimeSpan duration, Func<HeadEndMeter, CancellationToken, Task> operation)
    {
        var latencies = new Latencies();
        using var bound = new CancellationTokenSource(duration + TimeSpan.FromSeconds(60));
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(meters.Select(meter => Task.Run(async () =>
        {
            while (Stopwatch.GetElapsedTime(started) < duration && !bound.IsCancellationRequested)
            {
                var start = Stopwatch.GetTimestamp();
                try
                {
                    await operation(meter, bound.Token).ConfigureAwait(false);
                    latencies.Add(start);
                }
                catch (Exception e) when (e is MeterCommunicationException or OperationCanceledException)
                {
                    latencies.Fail();
                }
            }
        })));
        return (latencies, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>Like <see cref="MeasureAsync"/>, with one session per meter kept open (opened again after a failure).</summary>
    private static Task<(Latencies Latencies, TimeSpan Elapsed)> MeasureInSessionsAsync(HeadEndMeter[] meters, TimeSpan duration, DlmsMeterConnector connector, Func<IMeterSession, HeadEndMeter, CancellationToken, Task> operation)
    {
        var sessions = new IMeterSession?[meters.Length];
        return WithSessions();

        async Task<(Latencies, TimeSpan)> WithSessions()
        {
            try
            {
                // Sessions are opened before the clock starts.
                for (var i = 0; i < meters.Length; i++)
                {
                    sessions[i] = await connector.OpenAsync(meters[i]).ConfigureAwait(false);
                }

                return await MeasureAsync(meters, duration, async (meter, token) =>
                {
                    var index = meter.Id.Value - 1;
                    try
                    {
                        sessions[index] ??= await connector.OpenAsync(meter, token).ConfigureAwait(false);
                        await operation(sessions[index]!, meter, token).ConfigureAwait(false);
                    }
                    catch (MeterCommunicationException)
                    {
                        if (sessions[index] is { } broken)
                        {
                            sessions[index] = null;
                            await broken.DisposeAsync().ConfigureAwait(false);
                        }

                        throw;
                    }
                }).ConfigureAwait(false);
            }
            finally
            {
                foreach (var session in sessions)
                {
                    if (session is not null)
                    {
                        await session.DisposeAsync().ConfigureAwait(false);
                    }
                }
            }
        }
    }

    /// <summary>Every meter pushes what it has due, through its radio, for <paramref name="duration"/>; then waits (at most 30 s) for the rest to arrive.</summary>
    private static async Task<(long Created, long Lost, TimeSpan Elapsed)> PushAsync(FleetSimulator fleet, TimingFrameSink sink, TimeSpan duration)
    {
        foreach (var meter in fleet.Meters)
        {
            meter.Meter.AdvanceTo();
            while (meter.TryTakePush(out var stale))
            {
                meter.CompletePush(stale.Sequence, delivered: true);
            }
        }

        long created = 0, lost = 0;
        using var bound = new CancellationTokenSource(duration + TimeSpan.FromSeconds(60));
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(fleet.Meters.Select(meter => Task.Run(async () =>
        {
            while (Stopwatch.GetElapsedTime(started) < duration)
            {
                meter.Meter.AdvanceTo();
                while (meter.TryTakePush(out var push))
                {
                    sink.Created(push.Apdu);
                    Interlocked.Increment(ref created);
                    var delivered = await fleet.Radio!.SendAsync(push, bound.Token).ConfigureAwait(false);
                    meter.CompletePush(push.Sequence, delivered);
                    if (!delivered)
                    {
                        sink.Lost(push.Apdu);
                        Interlocked.Increment(ref lost);
                    }
                }

                await Task.Delay(20, bound.Token).ConfigureAwait(false);
            }
        })));
        var elapsed = Stopwatch.GetElapsedTime(started);
        for (var i = 0; i < 300 && sink.Outstanding > 0; i++)
        {
            await Task.Delay(100);
        }

        return (created, lost, elapsed);
    }

    private static void Report(string what, (Latencies Latencies, TimeSpan Elapsed) run, CountingLinkOpener counting, RadioCounters radio)
    {
        var (latencies, elapsed) = run;
        var done = Math.Max(1, latencies.Count);
        var serialOut = (counting.BytesSent + (8.0 * counting.ApdusSent) + ((SegmentHeader + ApiFrameOverheadOut) * counting.SegmentsSent)) / done;
        var serialIn = (counting.BytesReceived + (8.0 * counting.ApdusReceived) + ((SegmentHeader + ApiFrameOverheadIn) * counting.SegmentsReceived)) / done;
        Print($"{what,-36} {latencies.Count} in {elapsed.TotalSeconds:0.0} s: {latencies.Count / elapsed.TotalSeconds:0.0}/s, p50 {latencies.Percentile(50):0.0} ms, p99 {latencies.Percentile(99):0.0} ms; {latencies.Failures} failed");
        Print($"    per operation: {(double)counting.ApdusSent / done:0.0} requests ({(double)counting.BytesSent / done:0} B), {(double)counting.ApdusReceived / done:0.0} responses ({(double)counting.BytesReceived / done:0} B), {(double)(counting.SegmentsSent + counting.SegmentsReceived) / done:0.0} segments, ~{serialOut + serialIn:0} B on the serial line");
        Print($"    radio: {radio}");
    }

    private static RadioCounters Radio(FleetSimulator fleet, LocalZigbeeNetwork zigbee) =>
        new(fleet.Radio!.Coordinator.AirFramesLost, zigbee.Coordinator.TransmitAttempts, zigbee.Coordinator.TransmitFailures, zigbee.Coordinator.TransmitTimeouts);

    private static void Print(FormattableString line) => Console.WriteLine(line.ToString(CultureInfo.InvariantCulture));

    private static string FindProfile()
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
}
