using System.Text.Json;
using Meterline.HeadEnd.Audit;
using Meterline.HeadEnd.Communication;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Commands;

/// <summary>
/// Validates and creates commands. Every request is checked (meter known and reachable, keys not compromised unless
/// the command is a key rotation, parameters in range) and refused with a <see cref="CommandRejectedException"/>
/// that changes nothing; an accepted request is audited as <c>command.{kind}.requested</c> (actor = the operator)
/// BEFORE its row is created in state Requested, with a deadline per kind. A second request with the same idempotency
/// key returns the first command (and is refused if it asked for something else).
/// </summary>
public sealed class CommandService
{
    private readonly ICommandStore _commands;
    private readonly IMeterRepository _meters;
    private readonly IAuditLog _audit;
    private readonly TimeProvider _time;
    private readonly CommandServiceOptions _options;

    public CommandService(ICommandStore commands, IMeterRepository meters, IAuditLog audit, TimeProvider time, CommandServiceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(commands);
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(time);
        _commands = commands;
        _meters = meters;
        _audit = audit;
        _time = time;
        _options = options ?? new CommandServiceOptions();
    }

    /// <exception cref="CommandRejectedException">The request was refused; nothing was audited or stored.</exception>
    public async Task<CommandRecord> RequestAsync(CommandSubmission submission, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(submission);
        var now = _time.GetUtcNow();
        ValidateRequest(submission, now);
        Validate(submission.Parameters, now);
        var meter = await _meters.GetAsync(submission.Meter, cancellationToken).ConfigureAwait(false)
            ?? throw new CommandRejectedException(CommandRejection.UnknownMeter, $"No meter {submission.Meter} is registered.");
        var kind = submission.Parameters.Kind;
        if (meter.KeyStatus == KeyStatus.Compromised && kind != CommandKind.KeyRotation)
        {
            throw new CommandRejectedException(CommandRejection.KeysCompromised, $"The keys of meter {meter.Serial} are compromised; only a key rotation may be sent.");
        }

        if (meter.KeyStatus == KeyStatus.Rotating && kind == CommandKind.KeyRotation)
        {
            throw new CommandRejectedException(CommandRejection.KeyRotationInProgress, $"A key rotation of meter {meter.Serial} is under way.");
        }

        if (meter.Endpoint is null)
        {
            throw new CommandRejectedException(CommandRejection.NoEndpoint, $"Meter {meter.Serial} has no endpoint to send commands to.");
        }

        var parameters = CommandParametersJson.Encode(submission.Parameters);
        var deadline = (submission.NotBefore is { } notBefore && notBefore > now ? notBefore : now) + _options.DeadlineFor(kind);
        var detail = JsonText.Object(w =>
        {
            w.WriteNumber("meter", meter.Id.Value);
            w.WriteString("kind", CommandAuditActions.KindName(kind));
            w.WritePropertyName("parameters");
            w.WriteRawValue(parameters);
            if (submission.NotBefore is { } at)
            {
                w.WriteString("notBefore", at);
            }

            w.WriteString("deadline", deadline);
            if (submission.IdempotencyKey is { } key)
            {
                w.WriteString("idempotencyKey", key);
            }
        });
        await _audit.AppendAsync(submission.Actor, CommandAuditActions.For(kind, CommandAuditActions.Requested), meter.Serial, detail, cancellationToken).ConfigureAwait(false);
        var record = await _commands.CreateAsync(
            new CommandRequest(meter.Id, kind, parameters, submission.Actor, now, submission.NotBefore, deadline, submission.IdempotencyKey),
            cancellationToken).ConfigureAwait(false);
        if (record.Meter != meter.Id || record.Kind != kind || !SameParameters(kind, record.Parameters, submission.Parameters))
        {
            throw new CommandRejectedException(CommandRejection.IdempotencyKeyReused, $"Idempotency key was used for command {record.Id}, which asked for something else.");
        }

        return record;
    }

    /// <summary>
    /// Cancels a command that has not been sent (Requested → Cancelled), audited first. False when it is not (or no
    /// longer) in state Requested.
    /// </summary>
    public async Task<bool> CancelAsync(CommandId id, string actor, CancellationToken cancellationToken = default)
    {
        ValidateActor(actor);
        if (await _commands.GetAsync(id, cancellationToken).ConfigureAwait(false) is not { State: CommandState.Requested } command)
        {
            return false;
        }

        var meter = await _meters.GetAsync(command.Meter, cancellationToken).ConfigureAwait(false);
        await _audit.AppendAsync(actor, CommandAuditActions.For(command.Kind, CommandAuditActions.Cancelled), meter?.Serial ?? command.Meter.ToString(),
            JsonText.Object(w => w.WriteNumber("command", id.Value)), cancellationToken).ConfigureAwait(false);
        return await _commands.TransitionAsync(id, CommandState.Requested, CommandState.Cancelled, _time.GetUtcNow(), "{\"cancelledBy\":" + JsonSerializer.Serialize(actor) + "}", cancellationToken).ConfigureAwait(false);
    }

    private void ValidateRequest(CommandSubmission submission, DateTimeOffset now)
    {
        ValidateActor(submission.Actor);
        if (submission.Parameters is null)
        {
            throw new CommandRejectedException(CommandRejection.InvalidParameters, "A command needs its parameters.");
        }

        if (submission.IdempotencyKey is { } key && (key.Length is 0 || key.Length > _options.MaxTextLength || key.Any(char.IsControl)))
        {
            throw new CommandRejectedException(CommandRejection.InvalidRequest, $"An idempotency key is 1 to {_options.MaxTextLength} printable characters.");
        }

        if (submission.NotBefore is { } notBefore && notBefore > now + _options.MaxScheduleAhead)
        {
            throw new CommandRejectedException(CommandRejection.InvalidRequest, $"A command is scheduled at most {_options.MaxScheduleAhead.TotalDays:0} days ahead.");
        }
    }

    private void ValidateActor(string actor)
    {
        if (string.IsNullOrWhiteSpace(actor) || actor.Length > _options.MaxTextLength || actor.Any(char.IsControl))
        {
            throw new CommandRejectedException(CommandRejection.InvalidRequest, $"The actor is 1 to {_options.MaxTextLength} printable characters.");
        }
    }

    private void Validate(CommandParameters parameters, DateTimeOffset now)
    {
        switch (parameters)
        {
            case ReadParameters read:
                ValidateRead(read, now);
                break;
            case ActivityCalendarParameters calendar:
                ValidateCalendar(calendar.Calendar, now);
                break;
            case LoadLimitParameters limit:
                LoadLimitValidation.Validate(limit, now, _options.MaxActivationAhead);
                break;
        }
    }

    private void ValidateRead(ReadParameters read, DateTimeOffset now)
    {
        if (read.Quantities is null || read.Quantities.Count > ReadParameters.MaxQuantities || read.Quantities.Any(q => !q.IsKnown)
            || read.Quantities.Distinct().Count() != read.Quantities.Count)
        {
            throw Invalid($"A read asks for at most {ReadParameters.MaxQuantities} distinct known quantities.");
        }

        if ((read.ProfileFrom is null) != (read.ProfileTo is null))
        {
            throw Invalid("A load profile range needs both its start and its end.");
        }

        if (read.Quantities.Count == 0 && !read.HasProfileRange)
        {
            throw Invalid("A read asks for quantities, a load profile range, or both.");
        }

        if (read.HasProfileRange)
        {
            var (from, to) = (read.ProfileFrom!.Value, read.ProfileTo!.Value);
            if (to <= from || to - from > _options.MaxProfileSpan || from > now)
            {
                throw Invalid($"A load profile range starts before now, ends after its start and spans at most {_options.MaxProfileSpan.TotalDays:0} days.");
            }
        }
    }

    private void ValidateCalendar(TariffCalendar calendar, DateTimeOffset now)
    {
        if (calendar is null || string.IsNullOrEmpty(calendar.Name) || calendar.Name.Length > ActivityCalendarParameters.MaxNameLength
            || !calendar.Name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ' '))
        {
            throw Invalid($"A calendar name is 1 to {ActivityCalendarParameters.MaxNameLength} ASCII letters, digits, spaces, '-', '_' or '.'.");
        }

        var switches = calendar.Switches;
        if (switches is null || switches.Count is 0 or > TariffCalendar.MaxSwitches)
        {
            throw Invalid($"A calendar has 1 to {TariffCalendar.MaxSwitches} switches.");
        }

        for (var i = 0; i < switches.Count; i++)
        {
            if (switches[i].Zone is < 1 or > 8)
            {
                throw Invalid($"Switch {i + 1}: tariff zones are 1 to 8.");
            }

            if (switches[i].Start.Second != 0 || switches[i].Start.Millisecond != 0 || switches[i].Start.Microsecond != 0)
            {
                throw Invalid($"Switch {i + 1}: switches start on a whole minute.");
            }

            if (i > 0 && switches[i].Start <= switches[i - 1].Start)
            {
                throw Invalid($"Switch {i + 1}: starts must be in ascending order.");
            }
        }

        if (calendar.ActivateAt < now || calendar.ActivateAt > now + _options.MaxActivationAhead)
        {
            throw Invalid($"A calendar is activated between now and {_options.MaxActivationAhead.TotalDays:0} days ahead.");
        }
    }

    private static bool SameParameters(CommandKind kind, string stored, CommandParameters asked)
    {
        try
        {
            return CommandParametersJson.Decode(kind, stored).Equals(asked);
        }
        catch (CommandRejectedException)
        {
            return false;
        }
    }

    private static CommandRejectedException Invalid(string message) => new(CommandRejection.InvalidParameters, message);
}
