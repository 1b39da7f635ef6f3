using System.Globalization;
using System.Threading.Channels;
using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;
using Meterline.Server.Hosting;
using Meterline.Simulator.Time;
using RegisteredMeter = Meterline.HeadEnd.Meters.Meter;

namespace Meterline.Cli.Demo;

/// <summary>
/// The demo's script, driven by what the head-end commits: it follows the ingest pipeline's feed (readings, events),
/// tells when readings start arriving (over DLMS/TCP, Zigbee, MQTT and CoAP), reads the first meter heard on each of
/// Zigbee, MQTT and CoAP on demand over its link, tells when every meter has reported, and on the
/// first magnet or neutral-disturbance alarm acts as an operator would — asks <see cref="CommandService"/> to
/// disconnect that meter (actor "demo") and follows the command Requested → Sent → Confirmed, with the relay state
/// read back. Each step goes to <see cref="Lines"/>; <see cref="Disconnect"/> completes with the command's final state.
/// </summary>
internal sealed class DemoStory : IDisposable
{
    /// <summary>IS 15959 tamper occurrences: magnet influence, neutral disturbance, cover open.</summary>
    private static readonly IReadOnlySet<int> TamperCodes = new HashSet<int> { 201, 203, IngestPipeline.CoverOpenEventCode };

    /// <summary>The alarms the demo answers with a disconnect (a cover open compromises the keys: only a rotation may follow).</summary>
    private static readonly IReadOnlySet<int> DisconnectOn = new HashSet<int> { 201, 203 };

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>How long past its deadline the demo waits for a command to be resolved before it stops following it.</summary>
    private static readonly TimeSpan DeadlineMargin = TimeSpan.FromSeconds(30);

    private readonly HeadEndNode _node;
    private readonly AcceleratedTimeProvider _simulated;
    private readonly TimeProvider _time;
    private readonly int _fleetSize;
    private readonly string _runId;
    private readonly Dictionary<MeterId, RegisteredMeter> _meters;
    private readonly IngestSubscription _feed;
    private readonly Channel<StoryLine> _lines = Channel.CreateBounded<StoryLine>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest });
    private readonly TaskCompletionSource<CommandRecord?> _disconnect = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly HashSet<MeterId> _reporting = [];
    private long _readings;
    private long _events;
    private long _tamperAlarms;
    private string? _command;
    private bool _readingsSeen;
    private bool _allReporting;

    /// <summary>Per transport shown off (endpoint scheme), the on-demand read of its first meter heard: result and task.</summary>
    private readonly Dictionary<string, (TaskCompletionSource<CommandRecord?> Result, Task Reading)> _reads = new(StringComparer.Ordinal)
    {
        [ZigbeeScheme] = (new(TaskCreationOptions.RunContinuationsAsynchronously), Task.CompletedTask),
        [MqttScheme] = (new(TaskCreationOptions.RunContinuationsAsynchronously), Task.CompletedTask),
        [CoapScheme] = (new(TaskCreationOptions.RunContinuationsAsynchronously), Task.CompletedTask),
    };

    private readonly HashSet<string> _readsStarted = new(StringComparer.Ordinal);

    public const string ZigbeeScheme = "zigbee";
    public const string MqttScheme = "mqtt";
    public const string CoapScheme = "coap";
    private CancellationToken _stopping;

    private DemoStory(HeadEndNode node, AcceleratedTimeProvider simulated, TimeProvider time, int fleetSize, Dictionary<MeterId, RegisteredMeter> meters)
    {
        _node = node;
        _simulated = simulated;
        _time = time;
        _fleetSize = fleetSize;
        _meters = meters;
        _runId = time.GetUtcNow().ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        _feed = node.Pipeline.Subscribe();
    }

    /// <summary>The story as it happens (bounded: the oldest lines go first if nobody reads).</summary>
    public ChannelReader<StoryLine> Lines => _lines.Reader;

    /// <summary>The demo's disconnect in its final state (Confirmed, Failed, TimedOut), or null when it could not be asked for or was not resolved.</summary>
    public Task<CommandRecord?> Disconnect => _disconnect.Task;

    /// <summary>The on-demand read of the first Zigbee meter heard, in its final state, or null when it was not resolved.</summary>
    public Task<CommandRecord?> ZigbeeRead => ReadOver(ZigbeeScheme);

    /// <summary>
    /// The on-demand read of the first meter heard whose endpoint has <paramref name="scheme"/> (<see cref="ZigbeeScheme"/>,
    /// <see cref="MqttScheme"/>, <see cref="CoapScheme"/>), in its final state, or null when it was not resolved.
    /// </summary>
    public Task<CommandRecord?> ReadOver(string scheme) => _reads[scheme].Result.Task;

    /// <summary>Real time since the fleet's clock started.</summary>
    public TimeSpan Elapsed => _simulated.SimulatedElapsed / _simulated.Speed;

    public int MetersReporting
    {
        get
        {
            lock (_reporting)
            {
                return _reporting.Count;
            }
        }
    }

    public long ReadingsStored => Interlocked.Read(ref _readings);

    public long Events => Interlocked.Read(ref _events);

    public long TamperAlarms => Interlocked.Read(ref _tamperAlarms);

    /// <summary>The disconnect as far as it got, for the status.</summary>
    public string? Command => Volatile.Read(ref _command);

    /// <summary>Subscribes to the pipeline's feed (before the fleet runs, so nothing is missed) and loads the registry.</summary>
    public static async Task<DemoStory> StartAsync(HeadEndNode node, AcceleratedTimeProvider simulated, TimeProvider time, int fleetSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(node);
        var meters = new Dictionary<MeterId, RegisteredMeter>();
        await foreach (var meter in node.Meters.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            meters[meter.Id] = meter;
        }

        return new DemoStory(node, simulated, time, fleetSize, meters);
    }

    /// <summary>Follows the feed until cancelled (or the pipeline stops), and the disconnect until it is resolved.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        _stopping = cancellationToken;
        Task following = Task.CompletedTask;
        try
        {
            await foreach (var record in _feed.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                switch (record)
                {
                    case IngestedReading reading:
                        OnReading(reading);
                        break;
                    case IngestedEvent meterEvent when OnEvent(meterEvent):
                        following = FollowDisconnectAsync(meterEvent.Meter, cancellationToken);
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            try
            {
                await following.ConfigureAwait(false);
                List<Task> reads;
                lock (_reads)
                {
                    reads = [.. _reads.Values.Select(r => r.Reading)];
                }

                await Task.WhenAll(reads).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }

            _disconnect.TrySetResult(null);
            foreach (var (result, _) in _reads.Values)
            {
                result.TrySetResult(null);
            }
        }
    }

    public void Dispose() => _feed.Dispose();

    private void OnReading(IngestedReading reading)
    {
        Interlocked.Increment(ref _readings);
        int reporting;
        bool added;
        lock (_reporting)
        {
            added = _reporting.Add(reading.Meter);
            reporting = _reporting.Count;
        }

        if (!added)
        {
            return;
        }

        var meter = _meters.GetValueOrDefault(reading.Meter);
        var when = reading.Reading.Time.ToString("HH:mm", CultureInfo.InvariantCulture);
        if (!_readingsSeen)
        {
            _readingsSeen = true;
            Say($"readings arriving: {Name(reading.Meter)} over {Transport(meter)}, the interval ending {when}");
        }

        if (meter?.Endpoint?.Scheme is { } scheme && _reads.TryGetValue(scheme, out var read) && _readsStarted.Add(scheme))
        {
            Say(scheme switch
            {
                ZigbeeScheme => $"readings arriving over Zigbee: {Name(reading.Meter)}, through the coordinator and the concentrator",
                MqttScheme => $"readings arriving over MQTT: {Name(reading.Meter)}, published to the embedded broker and acknowledged after the commit",
                _ => $"readings arriving over CoAP: {Name(reading.Meter)}, confirmable POSTs answered 2.04 after the commit",
            });
            lock (_reads)
            {
                _reads[scheme] = (read.Result, ReadOverAsync(reading.Meter, scheme, read.Result, _stopping));
            }
        }

        if (!_allReporting && reporting >= _fleetSize)
        {
            _allReporting = true;
            Say(string.Create(CultureInfo.InvariantCulture, $"all {_fleetSize} meters reporting"));
        }
    }

    /// <summary>Counts an event and tells of a tamper alarm; true when the demo should answer it with a disconnect.</summary>
    private bool OnEvent(IngestedEvent meterEvent)
    {
        Interlocked.Increment(ref _events);
        var code = meterEvent.Event.Code;
        if (!TamperCodes.Contains(code))
        {
            return false;
        }

        Interlocked.Increment(ref _tamperAlarms);
        var name = _node.Profiles.EventName(_meters.GetValueOrDefault(meterEvent.Meter)?.ProfileId, code);
        Say(string.Create(CultureInfo.InvariantCulture,
            $"TAMPER ALARM: {Name(meterEvent.Meter)} \"{name}\" (event {code}) at {meterEvent.Event.OccurredAt:HH:mm:ss}"));
        return DisconnectOn.Contains(code) && Interlocked.CompareExchange(ref _command, "requesting", null) is null;
    }

    private async Task FollowDisconnectAsync(MeterId meter, CancellationToken cancellationToken)
    {
        try
        {
            await RequestAndFollowAsync(meter, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The store failed under the demo (the node goes on; its own services log and count their failures).
            Volatile.Write(ref _command, "not followed: " + e.GetType().Name);
            Say($"the demo could not follow its disconnect of {Name(meter)}: {e.Message}");
            _disconnect.TrySetResult(null);
        }
    }

    private async Task RequestAndFollowAsync(MeterId meter, CancellationToken cancellationToken)
    {
        var serial = Name(meter);
        CommandRecord command;
        try
        {
            command = await _node.CommandService.RequestAsync(
                new CommandSubmission(meter, new DisconnectParameters(), DemoOptions.Actor, IdempotencyKey: $"demo-{_runId}-disconnect-{serial}"),
                cancellationToken).ConfigureAwait(false);
        }
        catch (CommandRejectedException e)
        {
            Volatile.Write(ref _command, $"disconnect {serial}: refused");
            Say($"operator \"{DemoOptions.Actor}\" asked to disconnect {serial}: refused ({e.Reason}: {e.Message})");
            _disconnect.TrySetResult(null);
            return;
        }

        Describe(command, serial);
        Say(string.Create(CultureInfo.InvariantCulture, $"operator \"{DemoOptions.Actor}\" disconnects {serial}: command #{command.Id} Requested (deadline {(command.Deadline - command.RequestedAt).TotalMinutes:0} min)"));
        var seen = CommandState.Requested;
        using var timer = new PeriodicTimer(PollInterval, _time);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            var current = await _node.Stores.Commands.GetAsync(command.Id, cancellationToken).ConfigureAwait(false) ?? command;
            if (current.SentAt is not null && seen == CommandState.Requested)
            {
                seen = CommandState.Sent;
                var endpoint = _meters.GetValueOrDefault(meter)?.Endpoint?.ToString() ?? "its endpoint";
                Say($"command #{command.Id} Sent: HLS-GMAC session, ciphered, with {serial} at {endpoint}");
            }

            Describe(current, serial);
            if (current.IsFinal)
            {
                var relay = (await _node.Meters.GetAsync(meter, cancellationToken).ConfigureAwait(false))?.RelayState ?? RelayState.Unknown;
                Say(current.State == CommandState.Confirmed
                    ? $"command #{command.Id} Confirmed: the relay of {serial} reads back {relay}, supply off"
                    : $"command #{command.Id} {current.State}: {current.Result ?? "no result"}; the relay reads {relay}");
                _disconnect.TrySetResult(current);
                return;
            }

            if (_time.GetUtcNow() > current.Deadline + DeadlineMargin)
            {
                Say($"command #{command.Id} is still {current.State} past its deadline; the demo stops following it");
                _disconnect.TrySetResult(null);
                return;
            }
        }
    }

    /// <summary>
    /// An on-demand read of the first meter heard on a transport: the head-end opens an HLS-GMAC session with it over
    /// that transport (the radio through coordinator and concentrator; down and up topics through the broker; CoAP
    /// requests to the fleet's CoAP server) and reads its registers; the story tells the outcome.
    /// </summary>
    private async Task ReadOverAsync(MeterId meter, string scheme, TaskCompletionSource<CommandRecord?> outcome, CancellationToken cancellationToken)
    {
        var serial = Name(meter);
        var over = Transport(_meters.GetValueOrDefault(meter));
        try
        {
            var command = await _node.CommandService.RequestAsync(
                new CommandSubmission(meter, new ReadParameters([Quantity.CumulativeImportEnergy]), DemoOptions.Actor, IdempotencyKey: $"demo-{_runId}-read-{serial}"),
                cancellationToken).ConfigureAwait(false);
            _node.Dispatcher.Wake();
            Say($"operator \"{DemoOptions.Actor}\" reads {serial} now, over {over}: command #{command.Id} Requested");
            using var timer = new PeriodicTimer(PollInterval, _time);
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                var current = await _node.Stores.Commands.GetAsync(command.Id, cancellationToken).ConfigureAwait(false) ?? command;
                if (current.IsFinal)
                {
                    outcome.TrySetResult(current);
                    Say($"command #{command.Id} {current.State}: read of {serial} over {(scheme == ZigbeeScheme ? "the radio" : over)}{(current.Result is { } result ? ": " + (result.Length > 120 ? result[..120] + "…" : result) : string.Empty)}");
                    return;
                }

                if (_time.GetUtcNow() > current.Deadline + DeadlineMargin)
                {
                    Say($"command #{command.Id} is still {current.State} past its deadline; the demo stops following it");
                    return;
                }
            }
        }
        catch (CommandRejectedException e)
        {
            Say($"the read of {serial} over {over} was refused ({e.Reason}: {e.Message})");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or System.Data.Common.DbException)
        {
            Say($"the demo could not follow its read of {serial}: {e.Message}");
        }
        finally
        {
            outcome.TrySetResult(null);
        }
    }

    private void Describe(CommandRecord command, string serial) =>
        Volatile.Write(ref _command, command.State == CommandState.Confirmed
            ? $"#{command.Id} disconnect {serial}: Confirmed"
            : $"#{command.Id} disconnect {serial}: {command.State}");

    private string Name(MeterId meter) => _meters.TryGetValue(meter, out var known) ? known.Serial : "meter " + meter;

    private static string Transport(RegisteredMeter? meter) => meter?.Endpoint?.Scheme switch
    {
        ZigbeeScheme => "Zigbee",
        MqttScheme => "MQTT",
        CoapScheme => "CoAP",
        "dlms+tcp" => "DLMS/TCP",
        var other => other ?? "an unknown link",
    };

    private void Say(string text) =>
        _lines.Writer.TryWrite(new StoryLine(Elapsed, _simulated.GetUtcNow(), text));
}
