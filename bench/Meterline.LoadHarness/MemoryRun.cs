using System.Diagnostics;
using System.Globalization;
using System.Net;
using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Mqtt.Node;
using Meterline.HeadEnd.Testing;
using Meterline.Server.Hosting;

namespace Meterline.LoadHarness;

/// <summary>
/// Memory per connected meter: one node in this process (workstation GC, as <c>meterline serve</c> runs), its
/// database a copy of a kept storm fleet's (<see cref="StormRun.PrepareAsync"/>), and idle meters connected to it step
/// by step from child processes (<see cref="IdleClients"/>: their memory is theirs, not the node's). At each step, once
/// the node's connection gate counts the connections open (and, over TCP, their pushes resolved), a few seconds
/// pass, the node's process collects its garbage fully and compacting, and the GC's live heap, its committed heap,
/// the working set and the private bytes are read; the figure per meter is each one's growth over the first step,
/// divided by the connections added, and the live heap's growth over the step before, divided by the connections that
/// step added (the marginal cost: a fixed cost paid once, with the first pushes, is in the first but not in this). The
/// gate's idle timeout is lifted to an hour for the run (by default an authenticated connection silent for five
/// minutes is closed), its authentication timeout to five minutes (a loaded machine reads a new connection's first
/// frame late) and its caps to the largest step: a step's meters connect at once from one address, faster than a
/// loaded node reads their first frames, and with the default 1,000 unauthenticated connections the oldest waiting
/// ones were closed to make room — the idle clients do not reconnect, so the step never completed (docs/ingest.md,
/// "Connections"; a storm of reconnecting meters is <c>storm</c>'s subject, not this one's). Everything else is the
/// node's default. A step fails at once, naming the cause, when the gate closes any of its connections, when the
/// clients' process ends, or when nothing moves for a minute; the run's <c>--timeout</c> ending while a step waits is
/// reported with the same counts.
/// </summary>
internal static class MemoryRun
{
    private static readonly TimeSpan StepBound = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Stall = TimeSpan.FromMinutes(1);

    /// <summary>Files the node's process holds besides its connections (database, WAL, assemblies, pipes, epoll), with room to spare.</summary>
    private const int OtherFiles = 512;

    public static async Task<int> RunAsync(MemorySettings settings, TextWriter output, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("meterline-memory-").FullName;
        var children = new List<Process>();
        try
        {
            var keep = settings.Keep ?? Path.Combine(directory, "fleet");
            var (_, provisioned) = await StormRun.PrepareAsync(new StormSettings(null, settings.Meters, TimeSpan.Zero, "tcp", 1, 1, true, 1, keep), directory, output, cancellationToken);
            var tcp = settings.Transport == "tcp";
            var most = settings.Steps.Max();
            if (OpenFileLimit.Current() is { } files && files < most + OtherFiles)
            {
                throw new InvalidOperationException(Invariant($"The largest step, {most:N0} connections, needs at least {most + OtherFiles:N0} open files in this process (and its clients need as many), but the limit is {files:N0}: raise it (ulimit -n {most + OtherFiles}) or lower --steps."));
            }

            var options = new HeadEndOptions
            {
                Database = Path.Combine(provisioned!, "hes.db"),
                KeyFile = Path.Combine(provisioned!, "hes.kek"),
                ProfilesDirectory = HarnessPaths.Profiles,
                PushListeners = tcp ? [new IPEndPoint(IPAddress.Loopback, 0)] : [],
                Mqtt = tcp ? null : new MqttNodeOptions { Listeners = [new IPEndPoint(IPAddress.Loopback, 0)] },
                Scheduler = null,
                Backfill = null,
                Ingest = new IngestPipelineOptions { Guard = new IngressGuardOptions { PerSource = new TokenBucketSettings(1_000_000, 1_000_000) } },
                Connections = new ConnectionGateOptions
                {
                    MaxConnections = Math.Max(10_000, most + 100),
                    MaxConnectionsPerAddress = most + 16,
                    // All of a step's meters may wait for their first frame to be read at once (see the summary).
                    MaxUnauthenticated = Math.Max(10_000, most + 100),
                    IdleTimeout = TimeSpan.FromHours(1),
                    // A loaded machine may take longer than the default 10 s to read a new connection's first frame.
                    AuthenticationTimeout = TimeSpan.FromMinutes(5),
                },
            };
            await using var harness = await HarnessNode.StartAsync(options, null, cancellationToken);
            var node = harness.Node;
            var endpoint = tcp ? node.PushEndpoints[0] : node.Mqtt!.Broker!.Endpoints[0];
            output.WriteLine(Invariant($"node: {node.Storage.Engine}, {settings.Meters:N0} meters registered; idle meters over {(tcp ? "the DLMS/TCP wrapper (one push each, then silent)" : "MQTT 5 to the embedded broker (connected, keep-alive 120 s)")}; GC {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}, {SystemLoad.Now()}"));
            output.WriteLine("connections | gate open | GC live heap | GC committed heap | working set | private bytes | per meter over the first step (live heap / committed heap / working set / private) | live heap per meter over the step before");

            Sample? first = null;
            Sample? previous = null;
            var connected = 0;
            foreach (var step in settings.Steps)
            {
                Process? clients = null;
                if (step > connected)
                {
                    clients = await StartClientsAsync(settings, keep, endpoint, connected, step - connected, cancellationToken);
                    children.Add(clients);
                    connected = step;
                }

                await UntilStepAsync(step, harness, tcp, clients, cancellationToken);
                await Task.Delay(Settle, cancellationToken);
                var sample = Measure(node.ConnectionGate.Open);
                first ??= sample;
                var added = sample.Connections - first.Connections;
                var marginal = previous is null ? 0 : sample.Connections - previous.Connections;
                output.WriteLine(Invariant($"{step,11:N0} | {sample.Connections,9:N0} | {Mib(sample.LiveHeap)} | {Mib(sample.CommittedHeap)} | {Mib(sample.WorkingSet)} | {Mib(sample.Private)} | ") + (added <= 0 ? "-" : Invariant(
                    $"{Kib(sample.LiveHeap - first.LiveHeap, added)} / {Kib(sample.CommittedHeap - first.CommittedHeap, added)} / {Kib(sample.WorkingSet - first.WorkingSet, added)} / {Kib(sample.Private - first.Private, added)}"))
                    + " | " + (marginal <= 0 ? "-" : Kib(sample.LiveHeap - previous!.LiveHeap, marginal)));
                previous = sample;
            }

            if (settings.Hold > TimeSpan.Zero)
            {
                output.WriteLine(Invariant($"holding {node.ConnectionGate.Open:N0} connections for {settings.Hold.TotalSeconds:N0} s: process id {Environment.ProcessId}"));
                await Task.Delay(settings.Hold, cancellationToken);
            }

            output.WriteLine(Invariant($"refused by the gate {node.ConnectionGate.Refused:N0}, evicted {node.ConnectionGate.Evicted:N0}, authentication timeouts {node.ConnectionGate.AuthenticationTimeouts:N0}; {SystemLoad.Now()}"));
            return 0;
        }
        finally
        {
            foreach (var child in children)
            {
                await StopAsync(child);
            }

            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static async Task<Process> StartClientsAsync(MemorySettings settings, string keep, IPEndPoint endpoint, int from, int count, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath ?? "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(start.FileName) == "dotnet")
        {
            start.ArgumentList.Add(typeof(MemoryRun).Assembly.Location);
        }

        foreach (var argument in new[] { "idle-clients", "--transport", settings.Transport, "--endpoint", endpoint.ToString(), "--keep", keep, "--meters", settings.Meters.ToString(CultureInfo.InvariantCulture),
            "--from", from.ToString(CultureInfo.InvariantCulture), "--count", count.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }

        var child = Process.Start(start) ?? throw new InvalidOperationException("The idle clients did not start.");
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(StepBound);
        while (await child.StandardOutput.ReadLineAsync(bound.Token) is { } line)
        {
            if (line.StartsWith("ready", StringComparison.Ordinal))
            {
                return child;
            }
        }

        await StopAsync(child);
        throw new InvalidOperationException($"The idle clients ({from}..{from + count}) ended before they were connected.");
    }

    private static async Task StopAsync(Process child)
    {
        try
        {
            child.StandardInput.Close();
            await child.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            child.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }
        finally
        {
            child.Dispose();
        }
    }

    /// <summary>
    /// Waits until the gate counts <paramref name="step"/> connections open (and, over TCP, that many pushes resolved),
    /// or throws, naming the cause, as soon as the step can no longer complete or stops moving.
    /// </summary>
    private static async Task UntilStepAsync(int step, HarnessNode harness, bool tcp, Process? clients, CancellationToken cancellationToken)
    {
        var node = harness.Node;
        var gate = node.ConnectionGate;
        var metrics = node.Pipeline.Metrics;
        var closedBefore = Closed(gate);
        var total = Stopwatch.StartNew();
        var still = Stopwatch.StartNew();
        var last = (Open: -1, Resolved: -1L);
        while (true)
        {
            var now = (Open: gate.Open, Resolved: metrics.Accepted + metrics.RejectedTotal + metrics.Shed);
            if (now.Open >= step && (!tcp || now.Resolved >= step))
            {
                return;
            }

            harness.ThrowIfLoopFailed();
            if (Closed(gate) > closedBefore)
            {
                throw new InvalidOperationException(State(step, node, "the node closed connections of this step (the idle clients do not reconnect, so it can never complete)"));
            }

            if (clients is { HasExited: true })
            {
                throw new InvalidOperationException(State(step, node, Invariant($"the idle clients' process ended (exit code {clients.ExitCode})")));
            }

            if (now != last)
            {
                last = now;
                still.Restart();
            }
            else if (still.Elapsed > Stall)
            {
                throw new TimeoutException(State(step, node, Invariant($"nothing moved for {Stall.TotalSeconds:N0} s")));
            }

            if (total.Elapsed > StepBound)
            {
                throw new TimeoutException(State(step, node, Invariant($"the step did not complete within {StepBound.TotalMinutes:N0} minutes")));
            }

            if (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(State(step, node, "the run's --timeout ended"), cancellationToken);
            }

            try
            {
                await Task.Delay(50, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // Reported with the counts on the next pass.
            }
        }
    }

    private static long Closed(ConnectionGate gate) => gate.Refused + gate.Evicted + gate.AuthenticationTimeouts + gate.IdleClosed;

    private static string State(int step, HeadEndNode node, string cause)
    {
        var gate = node.ConnectionGate;
        var metrics = node.Pipeline.Metrics;
        return Invariant($"Step {step:N0} failed: {cause}. Gate: {gate.Open:N0} open ({gate.Unauthenticated:N0} unauthenticated, at most {gate.Options.MaxUnauthenticated:N0}; at most {gate.Options.MaxConnections:N0} in all and {gate.Options.MaxConnectionsPerAddress:N0} per address), ")
            + Invariant($"refused {gate.Refused:N0}, evicted {gate.Evicted:N0}, authentication timeouts {gate.AuthenticationTimeouts:N0}, idle closed {gate.IdleClosed:N0}. ")
            + Invariant($"Pushes: accepted {metrics.Accepted:N0}, rejected {metrics.RejectedTotal:N0}, shed {metrics.Shed:N0}. {SystemLoad.Now()}.");
    }

    private static Sample Measure(int connections)
    {
        var live = LiveHeap.Measure();
        using var process = Process.GetCurrentProcess();
        return new Sample(connections, live, GC.GetGCMemoryInfo().TotalCommittedBytes, process.WorkingSet64, process.PrivateMemorySize64);
    }

    private static string Mib(long bytes) => (bytes / 1024.0 / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " MiB";

    private static string Kib(long bytes, int per) => (bytes / 1024.0 / per).ToString("0.00", CultureInfo.InvariantCulture) + " KiB";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed record Sample(int Connections, long LiveHeap, long CommittedHeap, long WorkingSet, long Private);
}
