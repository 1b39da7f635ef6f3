using System.Globalization;
using Meterline.HeadEnd.Audit;
using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.DemandControl;

/// <summary>
/// Group load limits (demand control): a request names a meter, a transformer, a feeder or a list of meters and the
/// Limiter settings they all get. It is checked (target, group size at most <see cref="DemandControlOptions.MaxGroupSize"/>,
/// the limit's parameters), audited as <c>demand.limit-requested</c>, and stored with its members; nothing is sent yet.
/// The fan-out (<see cref="FanOutAsync"/>, run by <see cref="RunAsync"/> every
/// <see cref="DemandControlOptions.FanOutInterval"/>) then makes at most
/// <see cref="DemandControlOptions.CommandsPerInterval"/> LoadLimit commands per pass through
/// <see cref="CommandService"/>, each with the idempotency key <c>demand-limit-{limit}-{meter}</c>, so a restart or a
/// repeated pass never asks a meter twice; the command dispatcher's own limits bound how many are sent at once. A
/// member the command service refuses (no endpoint, keys compromised, an emergency profile that ended meanwhile) is
/// recorded as rejected and audited as <c>demand.member-rejected</c>. <see cref="CancelAsync"/> stops a limit: audited
/// as <c>demand.limit-cancelled</c>, its waiting members are withdrawn and its members' commands still Requested are
/// cancelled; commands already Sent run to completion.
/// </summary>
public sealed class DemandControlService
{
    private const int MeterPageSize = 1_000;

    private readonly IDemandLimitStore _limits;
    private readonly IMeterRepository _meters;
    private readonly CommandService _commands;
    private readonly IAuditLog _audit;
    private readonly TimeProvider _time;
    private readonly DemandControlOptions _options;
    private readonly TimeSpan _maxActivationAhead;
    private long _created;
    private long _withdrawn;
    private long _errors;

    /// <param name="maxActivationAhead">How far ahead an emergency profile may start (as for single commands).</param>
    public DemandControlService(IDemandLimitStore limits, IMeterRepository meters, CommandService commands, IAuditLog audit, TimeProvider time, DemandControlOptions? options = null, TimeSpan? maxActivationAhead = null)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(commands);
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(time);
        _options = options ?? new DemandControlOptions();
        _options.Validate();
        _limits = limits;
        _meters = meters;
        _commands = commands;
        _audit = audit;
        _time = time;
        _maxActivationAhead = maxActivationAhead ?? new CommandServiceOptions().MaxActivationAhead;
    }

    public DemandControlOptions Options => _options;

    /// <summary>Member commands created since start.</summary>
    public long Created => Interlocked.Read(ref _created);

    /// <summary>Members withdrawn by cancellations since start.</summary>
    public long Withdrawn => Interlocked.Read(ref _withdrawn);

    /// <summary>Fan-out passes that failed unexpectedly (store unavailable).</summary>
    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>Called after a pass that created commands (the node wakes the command dispatcher).</summary>
    public Action? CommandsCreated { get; set; }

    /// <exception cref="DemandLimitRejectedException">The target was refused; nothing was audited or stored.</exception>
    /// <exception cref="CommandRejectedException">The actor or the limit's parameters were refused; nothing was audited or stored.</exception>
    public async Task<DemandLimit> RequestAsync(DemandLimitSubmission submission, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(submission);
        if (string.IsNullOrWhiteSpace(submission.Actor) || submission.Actor.Length > _options.MaxTextLength || submission.Actor.Any(char.IsControl))
        {
            throw new CommandRejectedException(CommandRejection.InvalidRequest, $"The actor is 1 to {_options.MaxTextLength} printable characters.");
        }

        if (submission.Parameters is null)
        {
            throw new CommandRejectedException(CommandRejection.InvalidParameters, "A group load limit needs its limit.");
        }

        var now = _time.GetUtcNow();
        if (submission.Parameters.IsReadOnly)
        {
            throw new CommandRejectedException(CommandRejection.InvalidParameters, "A group load limit writes a limit; read a meter's limiter with a load limit command.");
        }

        LoadLimitValidation.Validate(submission.Parameters, now, _maxActivationAhead);
        var (target, members) = await ResolveAsync(submission, cancellationToken).ConfigureAwait(false);
        var parameters = CommandParametersJson.Encode(submission.Parameters);
        var detail = JsonText.Object(w =>
        {
            w.WriteString("target", TargetName(submission.TargetKind));
            w.WriteString("id", target);
            w.WriteNumber("meters", members.Count);
            w.WritePropertyName("parameters");
            w.WriteRawValue(parameters);
            if (submission.NotBefore is { } notBefore)
            {
                w.WriteString("notBefore", notBefore);
            }
        });
        await _audit.AppendAsync(submission.Actor, DemandAuditActions.LimitRequested, $"{TargetName(submission.TargetKind)}:{target}", detail, cancellationToken).ConfigureAwait(false);
        return await _limits.CreateAsync(new DemandLimitDraft(submission.TargetKind, target, parameters, submission.Actor, now, submission.NotBefore), members, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Makes the commands of at most <paramref name="max"/> waiting members; returns how many members it settled.</summary>
    public async Task<int> FanOutAsync(int max, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        var pending = await _limits.GetPendingAsync(max, cancellationToken).ConfigureAwait(false);
        var limits = new Dictionary<DemandLimitId, DemandLimit?>();
        var created = 0;
        foreach (var member in pending)
        {
            if (!limits.TryGetValue(member.Limit, out var limit))
            {
                limit = await _limits.GetAsync(member.Limit, cancellationToken).ConfigureAwait(false);
                limits[member.Limit] = limit;
            }

            if (limit is null || limit.IsCancelled)
            {
                continue;
            }

            try
            {
                var key = string.Create(CultureInfo.InvariantCulture, $"demand-limit-{limit.Id.Value}-{member.Meter.Value}");
                var command = await _commands.RequestAsync(new CommandSubmission(member.Meter, limit.LoadLimit, limit.Actor, limit.NotBefore, key), cancellationToken).ConfigureAwait(false);
                if (!await _limits.SetCommandAsync(member, command.Id, cancellationToken).ConfigureAwait(false))
                {
                    // The limit was cancelled between this pass reading the member and making its command: the
                    // command is cancelled before the dispatcher can send it (false when it already was sent).
                    var cancelled = await _limits.GetAsync(limit.Id, cancellationToken).ConfigureAwait(false);
                    await _commands.CancelAsync(command.Id, cancelled?.CancelledBy ?? limit.Actor, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                created++;
            }
            catch (CommandRejectedException e)
            {
                await _audit.AppendAsync(limit.Actor, DemandAuditActions.MemberRejected, member.Meter.ToString(),
                    JsonText.Object(w =>
                    {
                        w.WriteNumber("limit", limit.Id.Value);
                        w.WriteString("reason", e.Reason.ToString());
                        w.WriteString("detail", e.Message);
                    }),
                    cancellationToken).ConfigureAwait(false);
                await _limits.SetRejectedAsync(member, e.Message, cancellationToken).ConfigureAwait(false);
            }
        }

        Interlocked.Add(ref _created, created);
        if (created > 0)
        {
            CommandsCreated?.Invoke();
        }

        return pending.Count;
    }

    /// <summary>The limit, its members' counts by state and its failures; null when there is no such limit.</summary>
    public async Task<DemandLimitProgress?> GetProgressAsync(DemandLimitId id, CancellationToken cancellationToken = default)
    {
        if (await _limits.GetAsync(id, cancellationToken).ConfigureAwait(false) is not { } limit)
        {
            return null;
        }

        var members = await _limits.GetMembersAsync(id, cancellationToken).ConfigureAwait(false);
        var byState = Enum.GetValues<CommandState>().ToDictionary(s => s, _ => 0);
        var pending = 0;
        var rejected = 0;
        var withdrawn = 0;
        var failed = new List<DemandLimitFailure>();
        foreach (var member in members)
        {
            if (member.IsWithdrawn)
            {
                withdrawn++;
            }
            else if (member.Rejection is { } reason)
            {
                rejected++;
                failed.Add(new DemandLimitFailure(member.Meter, null, "Rejected", reason));
            }
            else if (member.State is { } state)
            {
                byState[state]++;
                if (state is CommandState.Failed or CommandState.TimedOut or CommandState.Cancelled)
                {
                    failed.Add(new DemandLimitFailure(member.Meter, member.Command, state.ToString(), ErrorOf(member.Result) ?? state.ToString()));
                }
            }
            else
            {
                pending++;
            }
        }

        return new DemandLimitProgress(limit, pending, rejected, withdrawn, byState, failed);
    }

    /// <summary>Limits newest first, those with an id below <paramref name="before"/> when given, at most <paramref name="limit"/>.</summary>
    public Task<IReadOnlyList<DemandLimit>> ListAsync(DemandLimitId? before, int limit, CancellationToken cancellationToken = default) =>
        _limits.ListAsync(before, limit, cancellationToken);

    /// <summary>
    /// Cancels a group load limit: audited as <c>demand.limit-cancelled</c> (first), then its members still waiting
    /// for their command are withdrawn and its members' commands still Requested are cancelled (each audited by the
    /// command service); commands already Sent run to completion. Null when there is no such limit; a limit cancelled
    /// before is returned as it stands, nothing is audited or changed again.
    /// </summary>
    /// <exception cref="CommandRejectedException">The actor or the reason is malformed; nothing was audited or changed.</exception>
    public async Task<DemandLimitProgress?> CancelAsync(DemandLimitId id, string actor, string? reason, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(actor) || actor.Length > _options.MaxTextLength || actor.Any(char.IsControl))
        {
            throw new CommandRejectedException(CommandRejection.InvalidRequest, $"The actor is 1 to {_options.MaxTextLength} printable characters.");
        }

        if (reason is not null && (string.IsNullOrWhiteSpace(reason) || reason.Length > _options.MaxTextLength || reason.Any(char.IsControl)))
        {
            throw new CommandRejectedException(CommandRejection.InvalidRequest, $"A reason is 1 to {_options.MaxTextLength} printable characters.");
        }

        if (await _limits.GetAsync(id, cancellationToken).ConfigureAwait(false) is not { } limit)
        {
            return null;
        }

        if (!limit.IsCancelled)
        {
            var why = reason ?? "cancelled by " + actor;
            await _audit.AppendAsync(actor, DemandAuditActions.LimitCancelled, $"{TargetName(limit.TargetKind)}:{limit.Target}",
                JsonText.Object(w =>
                {
                    w.WriteNumber("limit", limit.Id.Value);
                    w.WriteString("reason", why);
                }),
                cancellationToken).ConfigureAwait(false);
            if (await _limits.CancelAsync(id, actor, why, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false) is { } withdrawn)
            {
                Interlocked.Add(ref _withdrawn, withdrawn);
            }

            foreach (var member in await _limits.GetMembersAsync(id, cancellationToken).ConfigureAwait(false))
            {
                if (member is { Command: { } command, State: CommandState.Requested })
                {
                    // False when the dispatcher sent it meanwhile: a Sent command runs to completion.
                    await _commands.CancelAsync(command, actor, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        return await GetProgressAsync(id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Fans out now, then every <see cref="DemandControlOptions.FanOutInterval"/>, until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.FanOutInterval, _time);
        try
        {
            do
            {
                try
                {
                    await FanOutAsync(_options.CommandsPerInterval, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Interlocked.Increment(ref _errors);
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>The target's name in the API and the audit log.</summary>
    public static string TargetName(DemandLimitTargetKind kind) => kind switch
    {
        DemandLimitTargetKind.Meter => "meter",
        DemandLimitTargetKind.Transformer => "transformer",
        DemandLimitTargetKind.Feeder => "feeder",
        _ => "meters",
    };

    private async Task<(string Target, IReadOnlyCollection<MeterId> Members)> ResolveAsync(DemandLimitSubmission submission, CancellationToken cancellationToken)
    {
        switch (submission.TargetKind)
        {
            case DemandLimitTargetKind.Transformer or DemandLimitTargetKind.Feeder:
                var id = submission.Target;
                if (string.IsNullOrWhiteSpace(id) || id.Length > DemandLimit.MaxTargetLength || id.Any(char.IsControl) || submission.Meters is { Count: > 0 })
                {
                    throw new DemandLimitRejectedException(DemandLimitRejection.InvalidTarget, $"A {TargetName(submission.TargetKind)} is named by an id of 1 to {DemandLimit.MaxTargetLength} printable characters.");
                }

                var filter = submission.TargetKind == DemandLimitTargetKind.Transformer ? new MeterFilter(TransformerId: id) : new MeterFilter(FeederId: id);
                var members = new List<MeterId>();
                string? token = null;
                do
                {
                    var page = await _meters.ListAsync(filter, MeterPageSize, token, cancellationToken).ConfigureAwait(false);
                    members.AddRange(page.Items.Select(m => m.Id));
                    if (members.Count > _options.MaxGroupSize)
                    {
                        throw TooLarge($"{TargetName(submission.TargetKind)} {id} has more than");
                    }

                    token = page.NextPageToken;
                }
                while (token is not null);

                return members.Count == 0
                    ? throw new DemandLimitRejectedException(DemandLimitRejection.EmptyGroup, $"No meter is registered under {TargetName(submission.TargetKind)} {id}.")
                    : (id, members);
            case DemandLimitTargetKind.Meter or DemandLimitTargetKind.Meters:
                var listed = submission.Meters ?? [];
                if (listed.Count == 0 || (submission.TargetKind == DemandLimitTargetKind.Meter && listed.Count != 1))
                {
                    throw new DemandLimitRejectedException(DemandLimitRejection.InvalidTarget, submission.TargetKind == DemandLimitTargetKind.Meter ? "Name one meter." : "Name at least one meter.");
                }

                var distinct = listed.Distinct().ToList();
                if (distinct.Count > _options.MaxGroupSize)
                {
                    throw TooLarge("the list names more than");
                }

                string? serial = null;
                foreach (var meter in distinct)
                {
                    var found = await _meters.GetAsync(meter, cancellationToken).ConfigureAwait(false)
                        ?? throw new DemandLimitRejectedException(DemandLimitRejection.UnknownMeter, $"No meter {meter} is registered.");
                    serial ??= found.Serial;
                }

                return (submission.TargetKind == DemandLimitTargetKind.Meter ? serial! : string.Empty, distinct);
            default:
                throw new DemandLimitRejectedException(DemandLimitRejection.InvalidTarget, "The target is a meter, a transformer, a feeder or a list of meters.");
        }
    }

    private DemandLimitRejectedException TooLarge(string what) =>
        new(DemandLimitRejection.GroupTooLarge, string.Create(CultureInfo.InvariantCulture, $"The group is too large: {what} {_options.MaxGroupSize} meters (the most one group load limit may reach)."));

    private static string? ErrorOf(string? result)
    {
        if (result is null)
        {
            return null;
        }

        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(result);
            return document.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                && document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == System.Text.Json.JsonValueKind.String
                ? error.GetString()
                : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
