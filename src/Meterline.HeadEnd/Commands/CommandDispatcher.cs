using IMeterFactory = System.Diagnostics.Metrics.IMeterFactory;
using System.Threading.Channels;
using Meterline.HeadEnd.Audit;
using Meterline.HeadEnd.Communication;
using Meterline.HeadEnd.Meters;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Meterline.HeadEnd.Commands;

/// <summary>
/// Sends commands to meters: a long-running service (<see cref="RunAsync"/>).
/// <para>
/// At start, <b>restart recovery</b>: a command found Sent was on its way when the head-end stopped and is never sent
/// again. A connect or disconnect is resolved by reading the relay (Confirmed if it is in the state asked, else
/// Failed "interrupted; relay reads X"); every other kind is Failed "interrupted, outcome unknown".
/// </para>
/// <para>
/// Then, in a loop: Requested commands past their deadline become TimedOut; due ones (NotBefore passed) are started,
/// at most <see cref="CommandDispatcherOptions.MaxConcurrency"/> at once and one per meter. Each is moved
/// Requested → Sent by compare-and-set BEFORE anything goes on the wire (so a crash after sending never sends it
/// again), audited <c>command.{kind}.sent</c>, run by the <see cref="CommandExecutor"/> through the connector that
/// can reach the meter's endpoint, and moved Sent → Confirmed / Failed with its result (audited), or → TimedOut
/// when its deadline passes first. A command stopped by shutdown stays Sent for the next start's recovery.
/// Every state change goes to <see cref="Changes"/>, a bounded channel for the live feed.
/// </para>
/// <para>
/// <b>Several nodes on one database</b> (docs/deployment.md): Requested → Sent records the node
/// (<see cref="CommandDispatcherOptions.NodeName"/>) and is refused while another command of the meter is Sent on any
/// node, so a meter runs one command at a time over all nodes. Restart recovery takes only this node's Sent commands;
/// those of a node that stopped and did not come back are resolved by any node once their deadline is
/// <see cref="CommandDispatcherOptions.OrphanGrace"/> past (checked every <see cref="CommandDispatcherOptions.OrphanCheckInterval"/>).
/// </para>
/// </summary>
public sealed partial class CommandDispatcher
{
    private const string System = "system";
    private static readonly CommandState[] RequestedOnly = [CommandState.Requested];

    private readonly ICommandStore _commands;
    private readonly IMeterRepository _meters;
    private readonly IAuditLog _audit;
    private readonly IReadOnlyList<IMeterConnector> _connectors;
    private readonly CommandExecutor _executor;
    private readonly TimeProvider _time;
    private readonly CommandDispatcherOptions _options;
    private readonly Channel<CommandStateChange> _changes;
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly Lock _gate = new();
    private readonly HashSet<MeterId> _busy = [];
    private static readonly TimeSpan ErrorLogInterval = TimeSpan.FromMinutes(1);
    private readonly ILogger _logger;
    private long _lastErrorLogged;
    private long _droppedChanges;
    private long _errors;

    public CommandDispatcher(
        ICommandStore commands,
        IMeterRepository meters,
        IAuditLog audit,
        IEnumerable<IMeterConnector> connectors,
        CommandExecutor executor,
        TimeProvider time,
        CommandDispatcherOptions? options = null,
        ILogger? logger = null,
        IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(commands);
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(connectors);
        ArgumentNullException.ThrowIfNull(executor);
        ArgumentNullException.ThrowIfNull(time);
        _options = options ?? new CommandDispatcherOptions();
        _options.Validate();
        _commands = commands;
        _meters = meters;
        _audit = audit;
        _connectors = [.. connectors];
        _executor = executor;
        _time = time;
        _logger = logger ?? NullLogger.Instance;
        Metrics = new CommandMetrics(meterFactory);
        _changes = Channel.CreateBounded<CommandStateChange>(
            new BoundedChannelOptions(_options.NotificationCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleWriter = false },
            _ => Interlocked.Increment(ref _droppedChanges));
    }

    /// <summary>State changes of commands (Sent, Confirmed, Failed, TimedOut), oldest dropped first when nobody reads.</summary>
    public ChannelReader<CommandStateChange> Changes => _changes.Reader;

    /// <summary>The dispatcher's instruments (docs/observability.md).</summary>
    public CommandMetrics Metrics { get; }

    /// <summary>State changes dropped because the feed was full.</summary>
    public long DroppedChanges => Interlocked.Read(ref _droppedChanges);

    /// <summary>Passes or commands that failed on an unexpected error (store or audit unavailable).</summary>
    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>Commands running now.</summary>
    public int Running
    {
        get
        {
            lock (_gate)
            {
                return _busy.Count;
            }
        }
    }

    /// <summary>Asks the dispatcher to look for due commands now (after creating one, say) instead of at the next poll.</summary>
    public void Wake()
    {
        lock (_gate)
        {
            if (_wake.CurrentCount == 0)
            {
                _wake.Release();
            }
        }
    }

    /// <summary>Recovers, then dispatches until <paramref name="cancellationToken"/> is cancelled; waits for running commands before returning.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var running = new List<Task>();
        try
        {
            await ResolveSentAsync(_options.NodeName, cancellationToken).ConfigureAwait(false);
            var orphansChecked = _time.GetUtcNow();
            while (!cancellationToken.IsCancellationRequested)
            {
                running.RemoveAll(task => task.IsCompleted);
                try
                {
                    if (_time.GetUtcNow() - orphansChecked >= _options.OrphanCheckInterval)
                    {
                        orphansChecked = _time.GetUtcNow();
                        await ResolveSentAsync(null, cancellationToken).ConfigureAwait(false);
                    }

                    await ExpireAsync(cancellationToken).ConfigureAwait(false);
                    await StartDueAsync(running, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Interlocked.Increment(ref _errors);
                    if (ShouldLogError())
                    {
                        LogError(_logger, e, "pass");
                    }
                }

                await WaitAsync(running, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            await Task.WhenAll(running).ConfigureAwait(false);
        }
    }

    private async Task WaitAsync(List<Task> running, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var poll = Task.Delay(_options.PollInterval, _time, stop.Token);
        var wake = _wake.WaitAsync(stop.Token);
        await Task.WhenAny([poll, wake, .. running]).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
    }

    private async Task ExpireAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        foreach (var command in await _commands.GetByStateAsync(RequestedOnly, _options.BatchSize, cancellationToken).ConfigureAwait(false))
        {
            if (command.Deadline <= now)
            {
                await FinishAsync(command, CommandState.Requested, CommandState.TimedOut, CommandExecutor.Error("not sent before its deadline"), null, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task StartDueAsync(List<Task> running, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        foreach (var command in await _commands.GetByStateAsync(RequestedOnly, _options.BatchSize, cancellationToken).ConfigureAwait(false))
        {
            if (command.NotBefore is { } notBefore && notBefore > now || command.Deadline <= now)
            {
                continue;
            }

            lock (_gate)
            {
                if (_busy.Count >= _options.MaxConcurrency)
                {
                    return;
                }

                if (!_busy.Add(command.Meter))
                {
                    continue;
                }
            }

            running.Add(RunCommandAsync(command, cancellationToken));
        }
    }

    private async Task RunCommandAsync(CommandRecord command, CancellationToken stopping)
    {
        try
        {
            await Task.Yield();
            var meter = await _meters.GetAsync(command.Meter, stopping).ConfigureAwait(false);
            if (Refusal(command, meter, out var connector) is { } refusal)
            {
                // Refused before anything was sent: the command never leaves Requested for Sent.
                await FinishAsync(command, CommandState.Requested, CommandState.Failed, CommandExecutor.Error(refusal), meter, stopping).ConfigureAwait(false);
                return;
            }

            if (!await _commands.MarkSentAsync(command.Id, _options.NodeName, _time.GetUtcNow(), stopping).ConfigureAwait(false))
            {
                // Sent by another node, or another command of the meter is running there: looked at again next pass.
                return;
            }

            Publish(command, CommandState.Sent, null);
            try
            {
                await _audit.AppendAsync(System, CommandAuditActions.For(command.Kind, CommandAuditActions.Sent), meter!.Serial, Detail(command, null), stopping).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Interlocked.Increment(ref _errors);
                LogCommandError(_logger, e, command.Id.Value, command.Kind, command.Meter.Value, "audit");
                await CompleteAsync(command, CommandState.Failed, CommandExecutor.Error("not sent: the audit log is unavailable"), meter!, audited: false).ConfigureAwait(false);
                return;
            }

            await ExecuteAsync(command, meter, connector!, stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Shutdown: a Sent command is resolved by the next start's recovery.
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Interlocked.Increment(ref _errors);
            if (ShouldLogError())
            {
                LogCommandError(_logger, e, command.Id.Value, command.Kind, command.Meter.Value, "run");
            }
        }
        finally
        {
            lock (_gate)
            {
                _busy.Remove(command.Meter);
            }

            Wake();
        }
    }

    private async Task ExecuteAsync(CommandRecord command, Meter meter, IMeterConnector connector, CancellationToken stopping)
    {
        var remaining = command.Deadline - _time.GetUtcNow();
        using var deadline = new CancellationTokenSource(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, deadline.Token);
        CommandOutcome outcome;
        try
        {
            outcome = await _executor.ExecuteAsync(command, meter, connector, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !stopping.IsCancellationRequested)
        {
            await CompleteAsync(command, CommandState.TimedOut, CommandExecutor.Error("not confirmed before its deadline"), meter, audited: true).ConfigureAwait(false);
            return;
        }
        catch (MeterCommunicationException e)
        {
            outcome = CommandOutcome.Failed(CommandExecutor.Error((e.IsTransient ? "meter unreachable: " : "communication failed: ") + e.Message));
        }
        catch (CommandRejectedException e)
        {
            outcome = CommandOutcome.Failed(CommandExecutor.Error("stored parameters are invalid: " + e.Message));
        }

        await CompleteAsync(command, outcome.State, outcome.Result, meter, audited: true).ConfigureAwait(false);
    }

    private string? Refusal(CommandRecord command, Meter? meter, out IMeterConnector? connector)
    {
        connector = null;
        if (meter is null)
        {
            return "the meter is no longer registered";
        }

        if (meter.KeyStatus == KeyStatus.Compromised && command.Kind != CommandKind.KeyRotation)
        {
            return "the meter's keys are compromised";
        }

        if (meter.Endpoint is not { } endpoint)
        {
            return "the meter has no endpoint";
        }

        connector = _connectors.FirstOrDefault(c => c.CanReach(endpoint));
        return connector is null ? $"no connector reaches {endpoint.Scheme} endpoints" : null;
    }

    /// <summary>Sent → final, then audited (the row is the record of what happened; the audit follows it).</summary>
    private async Task CompleteAsync(CommandRecord command, CommandState state, string result, Meter meter, bool audited)
    {
        var now = _time.GetUtcNow();
        if (!await _commands.TransitionAsync(command.Id, CommandState.Sent, state, now, result, CancellationToken.None).ConfigureAwait(false))
        {
            return;
        }

        Publish(command, state, result);
        if (state == CommandState.Confirmed)
        {
            // The meter answered an authenticated session: it was heard from (polled meters stay Online this way).
            await _meters.MarkHeardAsync([new KeyValuePair<MeterId, DateTimeOffset>(meter.Id, now)], CancellationToken.None).ConfigureAwait(false);
        }

        if (audited)
        {
            // Not cancelled by shutdown: the row already moved, so its audit entry is written too.
            await _audit.AppendAsync(System, CommandAuditActions.For(command.Kind, CommandAuditActions.StepOf(state)), meter.Serial, Detail(command, result), CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>A command that never went out (Requested → Failed / TimedOut): audited first, then moved.</summary>
    private async Task FinishAsync(CommandRecord command, CommandState from, CommandState state, string result, Meter? meter, CancellationToken cancellationToken)
    {
        meter ??= await _meters.GetAsync(command.Meter, cancellationToken).ConfigureAwait(false);
        await _audit.AppendAsync(System, CommandAuditActions.For(command.Kind, CommandAuditActions.StepOf(state)), meter?.Serial ?? command.Meter.ToString(), Detail(command, result), cancellationToken).ConfigureAwait(false);
        if (await _commands.TransitionAsync(command.Id, from, state, _time.GetUtcNow(), result, cancellationToken).ConfigureAwait(false))
        {
            Publish(command, state, result);
        }
    }

    /// <summary>Resolves Sent commands: this node's own and orphaned ones (<paramref name="node"/> given, at start), or orphaned ones only.</summary>
    private async Task ResolveSentAsync(string? node, CancellationToken cancellationToken)
    {
        var seen = new HashSet<CommandId>();
        while (seen.Count < _options.MaxRecovered)
        {
            var orphanedBefore = _time.GetUtcNow() - _options.OrphanGrace;
            var sent = await _commands.GetSentToResolveAsync(node, orphanedBefore, _options.BatchSize, cancellationToken).ConfigureAwait(false);
            var fresh = sent.Where(c => seen.Add(c.Id)).ToList();
            if (fresh.Count == 0)
            {
                return;
            }

            foreach (var command in fresh)
            {
                await RecoverAsync(command, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task RecoverAsync(CommandRecord command, CancellationToken cancellationToken)
    {
        var meter = await _meters.GetAsync(command.Meter, cancellationToken).ConfigureAwait(false);
        CommandOutcome outcome;
        if (command.Kind is CommandKind.Connect or CommandKind.Disconnect && meter?.Endpoint is { } endpoint
            && _connectors.FirstOrDefault(c => c.CanReach(endpoint)) is { } connector)
        {
            using var timeout = new CancellationTokenSource(_options.RecoveryTimeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            try
            {
                var relay = await _executor.ReadRelayAsync(meter, connector, linked.Token).ConfigureAwait(false);
                var result = JsonText.Object(w =>
                {
                    w.WriteString("relay", relay.ToString());
                    w.WriteString("note", "interrupted by a restart; resolved by reading the relay, not sent again");
                });
                outcome = CommandExecutor.IsAsAsked(relay, command.Kind == CommandKind.Connect)
                    ? CommandOutcome.Confirmed(result)
                    : CommandOutcome.Failed(CommandExecutor.Error($"interrupted; relay reads {relay}"));
            }
            catch (Exception e) when (e is MeterCommunicationException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                outcome = CommandOutcome.Failed(CommandExecutor.Error("interrupted, outcome unknown: the relay could not be read (" + e.Message + ")"));
            }
        }
        else
        {
            outcome = CommandOutcome.Failed(CommandExecutor.Error("interrupted, outcome unknown"));
        }

        if (meter is null)
        {
            if (await _commands.TransitionAsync(command.Id, CommandState.Sent, outcome.State, _time.GetUtcNow(), outcome.Result, cancellationToken).ConfigureAwait(false))
            {
                Publish(command, outcome.State, outcome.Result);
            }

            return;
        }

        await CompleteAsync(command, outcome.State, outcome.Result, meter, audited: true).ConfigureAwait(false);
    }

    /// <summary>
    /// Unexpected errors are logged with their exception at most once per <see cref="ErrorLogInterval"/> (a database
    /// outage fails every pass; <see cref="Errors"/> counts them all), so the log keeps what came before.
    /// </summary>
    private bool ShouldLogError()
    {
        var now = _time.GetTimestamp();
        var last = Interlocked.Read(ref _lastErrorLogged);
        if (last != 0 && _time.GetElapsedTime(last, now) < ErrorLogInterval)
        {
            return false;
        }

        return Interlocked.CompareExchange(ref _lastErrorLogged, now, last) == last;
    }

    private void Publish(CommandRecord command, CommandState state, string? result)
    {
        var now = _time.GetUtcNow();
        Metrics.OnTransition(command, state, now);
        if (state is CommandState.Failed or CommandState.TimedOut)
        {
            LogFailed(_logger, command.Id.Value, command.Kind, command.Meter.Value, state, result);
        }
        else
        {
            LogTransition(_logger, command.Id.Value, command.Kind, command.Meter.Value, state);
        }

        _changes.Writer.TryWrite(new CommandStateChange(command.Id, command.Meter, command.Kind, state, now, result));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Command {CommandId} ({Kind}) for meter {MeterId}: {State}")]
    private static partial void LogTransition(ILogger logger, long commandId, CommandKind kind, int meterId, CommandState state);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Command {CommandId} ({Kind}) for meter {MeterId}: {State}: {Result}")]
    private static partial void LogFailed(ILogger logger, long commandId, CommandKind kind, int meterId, CommandState state, string? result);

    [LoggerMessage(Level = LogLevel.Error, Message = "Command dispatch failed ({Stage}); retried at the next pass")]
    private static partial void LogError(ILogger logger, Exception exception, string stage);

    [LoggerMessage(Level = LogLevel.Error, Message = "Command {CommandId} ({Kind}) for meter {MeterId} failed unexpectedly ({Stage})")]
    private static partial void LogCommandError(ILogger logger, Exception exception, long commandId, CommandKind kind, int meterId, string stage);

    private static string Detail(CommandRecord command, string? result) => JsonText.Object(w =>
    {
        w.WriteNumber("command", command.Id.Value);
        w.WriteNumber("meter", command.Meter.Value);
        if (result is not null)
        {
            w.WritePropertyName("result");
            w.WriteRawValue(result);
        }
    });
}
