using System.Globalization;
using Meterline.HeadEnd.Audit;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Commands.Approvals;

/// <summary>
/// Bulk connects and disconnects, and the second operator's approval (docs/commands.md, "Bulk commands and
/// approval"). A bulk disconnect of more than <see cref="ApprovalOptions.Threshold"/> meters is audited as
/// <c>approval.requested</c> and stored as Pending — no command exists yet. A DIFFERENT operator approves it
/// (<c>approval.approved</c>; then one command per meter through <see cref="CommandService"/>, each with the
/// idempotency key <c>approval-{id}-{meter}</c>, so a restart that interrupts the fan-out never asks a meter twice) or
/// rejects it (<c>approval.rejected</c>). The requester deciding their own request is refused and audited as
/// <c>approval.self-decision-refused</c>. Undecided requests expire after <see cref="ApprovalOptions.Lifetime"/>
/// (<c>approval.expired</c>, by <see cref="RunAsync"/>). Smaller bulk requests, and bulk connects, create their
/// commands at once (<c>command.bulk.requested</c>). Every decision is a compare-and-set on the stored state.
/// </summary>
public sealed class CommandApprovalService
{
    /// <summary>The actor recorded when a request expires.</summary>
    public const string ExpiryActor = "expiry";

    private readonly ICommandApprovalStore _approvals;
    private readonly IMeterRepository _meters;
    private readonly CommandService _commands;
    private readonly IAuditLog _audit;
    private readonly TimeProvider _time;
    private readonly ApprovalOptions _options;
    private long _errors;

    public CommandApprovalService(ICommandApprovalStore approvals, IMeterRepository meters, CommandService commands, IAuditLog audit, TimeProvider time, ApprovalOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(approvals);
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(commands);
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(time);
        _options = options ?? new ApprovalOptions();
        _options.Validate();
        _approvals = approvals;
        _meters = meters;
        _commands = commands;
        _audit = audit;
        _time = time;
    }

    public ApprovalOptions Options => _options;

    /// <summary>Sweeps that failed unexpectedly (store unavailable).</summary>
    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>Called after commands were created (the node wakes the command dispatcher).</summary>
    public Action? CommandsCreated { get; set; }

    /// <summary>Whether a bulk request of this kind and size waits for a second operator.</summary>
    public bool NeedsApproval(CommandKind kind, int meters) => kind == CommandKind.Disconnect && meters > _options.Threshold;

    /// <exception cref="ApprovalRejectedException">The request was refused; nothing was audited or stored.</exception>
    public async Task<BulkCommandOutcome> RequestAsync(BulkCommandSubmission submission, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(submission);
        ValidateActor(submission.Actor);
        ValidateNote(submission.Note);
        if (submission.Kind is not (CommandKind.Connect or CommandKind.Disconnect))
        {
            throw Invalid("A bulk request connects or disconnects meters.");
        }

        if (submission.Meters is null || submission.Meters.Count == 0)
        {
            throw Invalid("A bulk request names at least one meter.");
        }

        var meters = submission.Meters.Distinct().Order().ToList();
        if (meters.Count > _options.MaxMeters)
        {
            throw Invalid($"A bulk request names at most {_options.MaxMeters} meters.");
        }

        foreach (var id in meters)
        {
            if (await _meters.GetAsync(id, cancellationToken).ConfigureAwait(false) is null)
            {
                throw new ApprovalRejectedException(ApprovalRejection.UnknownMeter, $"No meter {id} is registered.");
            }
        }

        var now = _time.GetUtcNow();
        if (NeedsApproval(submission.Kind, meters.Count))
        {
            var expires = now + _options.Lifetime;
            await _audit.AppendAsync(submission.Actor, ApprovalAuditActions.Requested, "bulk:" + CommandAuditActions.KindName(submission.Kind),
                JsonText.Object(w =>
                {
                    w.WriteString("kind", CommandAuditActions.KindName(submission.Kind));
                    w.WriteNumber("meters", meters.Count);
                    w.WriteNumber("threshold", _options.Threshold);
                    w.WriteString("expiresAt", expires);
                    if (submission.Note is { } note)
                    {
                        w.WriteString("note", note);
                    }
                }),
                cancellationToken).ConfigureAwait(false);
            var approval = await _approvals.CreateAsync(new CommandApprovalDraft(submission.Kind, meters, submission.Actor, now, expires, submission.Note), cancellationToken).ConfigureAwait(false);
            return new BulkCommandOutcome(approval, [], []);
        }

        await _audit.AppendAsync(submission.Actor, ApprovalAuditActions.BulkRequested, "bulk:" + CommandAuditActions.KindName(submission.Kind),
            JsonText.Object(w =>
            {
                w.WriteString("kind", CommandAuditActions.KindName(submission.Kind));
                w.WriteNumber("meters", meters.Count);
            }),
            cancellationToken).ConfigureAwait(false);
        var (commands, refused) = await CreateCommandsAsync(submission.Kind, meters, submission.Actor, null, cancellationToken).ConfigureAwait(false);
        return new BulkCommandOutcome(null, commands, refused);
    }

    /// <summary>
    /// Approves a Pending request and creates its commands; returns the request as it ends (Completed, with the
    /// numbers created and refused).
    /// </summary>
    /// <exception cref="ApprovalRejectedException">Unknown, not pending (decided, expired) or the requester's own.</exception>
    public async Task<CommandApproval> ApproveAsync(ApprovalId id, string actor, string? note = null, CancellationToken cancellationToken = default)
    {
        var approval = await PrepareDecisionAsync(id, actor, note, "approve", cancellationToken).ConfigureAwait(false);
        await _audit.AppendAsync(actor, ApprovalAuditActions.Approved, Subject(approval), Detail(approval, note), cancellationToken).ConfigureAwait(false);
        if (!await _approvals.DecideAsync(id, ApprovalState.Pending, ApprovalState.Approved, actor, _time.GetUtcNow(), note, cancellationToken).ConfigureAwait(false))
        {
            throw new ApprovalRejectedException(ApprovalRejection.NotPending, $"Request {id} was decided meanwhile.");
        }

        return await FinishAsync(approval, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Rejects a Pending request: no command is made.</summary>
    /// <exception cref="ApprovalRejectedException">Unknown, not pending (decided, expired) or the requester's own.</exception>
    public async Task<CommandApproval> RejectAsync(ApprovalId id, string actor, string? note = null, CancellationToken cancellationToken = default)
    {
        var approval = await PrepareDecisionAsync(id, actor, note, "reject", cancellationToken).ConfigureAwait(false);
        await _audit.AppendAsync(actor, ApprovalAuditActions.Rejected, Subject(approval), Detail(approval, note), cancellationToken).ConfigureAwait(false);
        if (!await _approvals.DecideAsync(id, ApprovalState.Pending, ApprovalState.Rejected, actor, _time.GetUtcNow(), note, cancellationToken).ConfigureAwait(false))
        {
            throw new ApprovalRejectedException(ApprovalRejection.NotPending, $"Request {id} was decided meanwhile.");
        }

        return (await _approvals.GetAsync(id, cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>Expires Pending requests past their time and finishes Approved ones a restart interrupted; returns how many it settled.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        var settled = 0;
        foreach (var pending in await _approvals.GetByStateAsync(ApprovalState.Pending, _options.SweepBatch, cancellationToken).ConfigureAwait(false))
        {
            if (pending.ExpiresAt > now)
            {
                continue;
            }

            await _audit.AppendAsync(ExpiryActor, ApprovalAuditActions.Expired, Subject(pending), Detail(pending, null), cancellationToken).ConfigureAwait(false);
            if (await _approvals.DecideAsync(pending.Id, ApprovalState.Pending, ApprovalState.Expired, ExpiryActor, now, null, cancellationToken).ConfigureAwait(false))
            {
                settled++;
            }
        }

        foreach (var approved in await _approvals.GetByStateAsync(ApprovalState.Approved, _options.SweepBatch, cancellationToken).ConfigureAwait(false))
        {
            await FinishAsync(approved, cancellationToken).ConfigureAwait(false);
            settled++;
        }

        return settled;
    }

    /// <summary>Sweeps now, then every <see cref="ApprovalOptions.SweepInterval"/>, until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.SweepInterval, _time);
        try
        {
            do
            {
                try
                {
                    await SweepAsync(cancellationToken).ConfigureAwait(false);
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

    private async Task<CommandApproval> PrepareDecisionAsync(ApprovalId id, string actor, string? note, string verb, CancellationToken cancellationToken)
    {
        ValidateActor(actor);
        ValidateNote(note);
        var approval = await _approvals.GetAsync(id, cancellationToken).ConfigureAwait(false)
            ?? throw new ApprovalRejectedException(ApprovalRejection.UnknownApproval, $"No bulk request has id {id}.");
        if (string.Equals(approval.RequestedBy, actor, StringComparison.Ordinal))
        {
            // Four eyes: a security event, audited even though nothing changes.
            await _audit.AppendAsync(actor, ApprovalAuditActions.SelfDecisionRefused, Subject(approval),
                JsonText.Object(w => w.WriteString("attempted", verb)), cancellationToken).ConfigureAwait(false);
            throw new ApprovalRejectedException(ApprovalRejection.SelfDecision, $"Request {id} was made by {actor}; another operator must {verb} it.");
        }

        if (approval.State != ApprovalState.Pending)
        {
            throw new ApprovalRejectedException(ApprovalRejection.NotPending, $"Request {id} is {approval.State}, not pending.");
        }

        if (approval.ExpiresAt <= _time.GetUtcNow())
        {
            throw new ApprovalRejectedException(ApprovalRejection.NotPending, $"Request {id} expired at {approval.ExpiresAt:u}.");
        }

        return approval;
    }

    private async Task<CommandApproval> FinishAsync(CommandApproval approval, CancellationToken cancellationToken)
    {
        var (commands, refused) = await CreateCommandsAsync(approval.Kind, approval.Meters, approval.RequestedBy, approval.Id, cancellationToken).ConfigureAwait(false);
        await _audit.AppendAsync(approval.DecidedBy ?? approval.RequestedBy, ApprovalAuditActions.Completed, Subject(approval),
            JsonText.Object(w =>
            {
                w.WriteNumber("created", commands.Count);
                w.WriteNumber("refused", refused.Count);
            }),
            cancellationToken).ConfigureAwait(false);
        await _approvals.CompleteAsync(approval.Id, commands.Count, refused.Count, cancellationToken).ConfigureAwait(false);
        return (await _approvals.GetAsync(approval.Id, cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>One command per meter, in order (the meters are at most <see cref="ApprovalOptions.MaxMeters"/>); the dispatcher's own limits bound how many are sent at once.</summary>
    private async Task<(IReadOnlyList<CommandRecord> Commands, IReadOnlyList<BulkCommandRefusal> Refused)> CreateCommandsAsync(
        CommandKind kind, IReadOnlyList<MeterId> meters, string actor, ApprovalId? approval, CancellationToken cancellationToken)
    {
        CommandParameters parameters = kind == CommandKind.Disconnect ? new DisconnectParameters() : new ConnectParameters();
        var commands = new List<CommandRecord>(meters.Count);
        var refused = new List<BulkCommandRefusal>();
        foreach (var meter in meters.Take(_options.MaxMeters))
        {
            var key = approval is { } id ? string.Create(CultureInfo.InvariantCulture, $"approval-{id.Value}-{meter.Value}") : null;
            try
            {
                commands.Add(await _commands.RequestAsync(new CommandSubmission(meter, parameters, actor, null, key), cancellationToken).ConfigureAwait(false));
            }
            catch (CommandRejectedException e)
            {
                refused.Add(new BulkCommandRefusal(meter, e.Reason, e.Message));
            }
        }

        if (commands.Count > 0)
        {
            CommandsCreated?.Invoke();
        }

        return (commands, refused);
    }

    private void ValidateActor(string actor)
    {
        if (string.IsNullOrWhiteSpace(actor) || actor.Length > _options.MaxTextLength || actor.Any(char.IsControl))
        {
            throw Invalid($"The actor is 1 to {_options.MaxTextLength} printable characters.");
        }
    }

    private void ValidateNote(string? note)
    {
        if (note is not null && (note.Length > _options.MaxTextLength || note.Any(char.IsControl)))
        {
            throw Invalid($"A note is at most {_options.MaxTextLength} printable characters.");
        }
    }

    private static string Subject(CommandApproval approval) => "approval:" + approval.Id;

    private static string Detail(CommandApproval approval, string? note) => JsonText.Object(w =>
    {
        w.WriteString("kind", CommandAuditActions.KindName(approval.Kind));
        w.WriteNumber("meters", approval.Meters.Count);
        w.WriteString("requestedBy", approval.RequestedBy);
        if (note is not null)
        {
            w.WriteString("note", note);
        }
    });

    private static ApprovalRejectedException Invalid(string message) => new(ApprovalRejection.InvalidRequest, message);
}
