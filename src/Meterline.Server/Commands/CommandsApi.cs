using System.Text.Json;
using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.Meters;
using Meterline.Server.Api;
using Meterline.Server.Meters;
using Meterline.Server.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Meterline.Server.Commands;

/// <summary>
/// Commands over HTTP: ask for one (202 with its Location; the dispatcher is woken to send it), follow it, list them
/// (newest first, filtered, paged) and cancel one that has not been sent. Refusals are ProblemDetails, one type per
/// <see cref="CommandRejection"/>. Asking, cancelling and every step of a command are in the audit log; the actor is
/// the <c>X-Meterline-Actor</c> header (see <see cref="RequestActor"/>).
/// </summary>
public static class CommandsApi
{
    public const int DefaultPageSize = 100;
    public const int MaxBodyBytes = CommandRecord.MaxParametersLength + 4096;
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    public static IEndpointRouteBuilder MapCommands(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        var group = routes.MapGroup("/api/commands").WithTags("Commands");
        group.MapGet("/{id:long}", GetAsync).WithName("GetCommand").WithSummary("One command: its state, times, parameters and result")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/", ListAsync).WithName("ListCommands").WithSummary("Commands newest first, optionally of one meter and in one state, paged")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        if (routes.ServiceProvider.GetService<CommandService>() is not null)
        {
            group.MapPost("/", CreateAsync).WithName("CreateCommand").Accepts<CommandRequestBody>("application/json")
                .WithSummary("Ask for a command (read, connect, disconnect, timeSync, activityCalendar, keyRotation, loadLimit); 202 with its Location")
                .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
                .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
            group.MapDelete("/{id:long}", CancelAsync).WithName("CancelCommand").WithSummary("Cancel a command that is still Requested")
                .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        }

        return routes;
    }

    internal static async Task<Results<Accepted<CommandResponse>, ProblemHttpResult>> CreateAsync(
        HttpRequest request,
        [FromServices] CommandService commands,
        [FromServices] CommandDispatcher dispatcher,
        [FromServices] IMeterRepository meters,
        [FromServices] IOptions<JsonOptions> json,
        CancellationToken cancellationToken)
    {
        if (!RequestActor.TryGet(request, out var actor, out var actorProblem))
        {
            return actorProblem!;
        }

        var idempotencyKey = request.Headers[IdempotencyKeyHeader];
        if (idempotencyKey.Count > 1)
        {
            return ApiProblems.InvalidCommand.Result($"Give {IdempotencyKeyHeader} once.");
        }

        var (body, problem) = await JsonRequestBody.ReadAsync<CommandRequestBody>(request, json.Value.SerializerOptions, MaxBodyBytes, optional: false, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        if (!CommandKindNames.TryParse(body!.Kind, out var kind))
        {
            return ApiProblems.InvalidCommand.Result($"kind is one of {string.Join(", ", CommandKindNames.All)}.");
        }

        Meter? meter;
        switch (body.Meter)
        {
            case { ValueKind: JsonValueKind.Number } number when number.TryGetInt32(out var id) && id > 0:
                meter = await meters.GetAsync(new MeterId(id), cancellationToken).ConfigureAwait(false);
                break;
            case { ValueKind: JsonValueKind.String } text:
                meter = await MeterReference.FindAsync(meters, text.GetString()!, cancellationToken).ConfigureAwait(false);
                break;
            default:
                return ApiProblems.InvalidCommand.Result("meter is the meter's id (a positive number) or its serial (a string).");
        }

        if (meter is null)
        {
            return ApiProblems.UnknownMeter.Result($"No meter is registered as {body.Meter.Value.GetRawText()}.");
        }

        try
        {
            var parameters = body.Parameters is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } given ? given.GetRawText() : "{}";
            var submission = new CommandSubmission(meter.Id, CommandParametersJson.Decode(kind, parameters), actor, body.NotBefore, idempotencyKey.Count == 1 ? idempotencyKey[0] : null);
            var command = await commands.RequestAsync(submission, cancellationToken).ConfigureAwait(false);
            dispatcher.Wake();
            return TypedResults.Accepted($"/api/commands/{command.Id}", CommandResponse.From(command, meter.Serial));
        }
        catch (CommandRejectedException e)
        {
            return CommandProblems.From(e);
        }
    }

    internal static async Task<Results<Ok<CommandResponse>, ProblemHttpResult>> GetAsync(long id, ICommandStore commands, IMeterRepository meters, CancellationToken cancellationToken)
    {
        var command = await commands.GetAsync(new CommandId(id), cancellationToken).ConfigureAwait(false);
        if (command is null)
        {
            return ApiProblems.UnknownCommand.Result($"No command has id {id}.");
        }

        var meter = await meters.GetAsync(command.Meter, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(CommandResponse.From(command, meter?.Serial));
    }

    internal static async Task<Results<Ok<PageResponse<CommandResponse>>, ProblemHttpResult>> ListAsync(
        ICommandStore commands,
        IMeterRepository meters,
        string? meter,
        string? state,
        int? pageSize,
        string? pageToken,
        CancellationToken cancellationToken)
    {
        if (ListingQuery.TryReadPage(IdPageToken.Commands, pageSize, pageToken, DefaultPageSize, out var size, out var last) is { } badPage)
        {
            return badPage;
        }

        CommandId? before = last is { } id ? new CommandId(id) : null;
        if (ListingQuery.TryReadState<CommandState>(state, out var wanted) is { } badState)
        {
            return badState;
        }

        Meter? owner = null;
        if (meter is not null)
        {
            owner = await MeterReference.FindAsync(meters, meter, cancellationToken).ConfigureAwait(false);
            if (owner is null)
            {
                return ApiProblems.UnknownMeter.Result("No meter is registered with that serial or id.");
            }
        }

        var found = await commands.ListAsync(owner?.Id, wanted, before, size + 1, cancellationToken).ConfigureAwait(false);
        var page = found.Take(size).ToList();
        var serials = new Dictionary<MeterId, string?>();
        if (owner is not null)
        {
            serials[owner.Id] = owner.Serial;
        }

        var items = new List<CommandResponse>(page.Count);
        foreach (var command in page)
        {
            if (!serials.TryGetValue(command.Meter, out var serial))
            {
                serial = (await meters.GetAsync(command.Meter, cancellationToken).ConfigureAwait(false))?.Serial;
                serials[command.Meter] = serial;
            }

            items.Add(CommandResponse.From(command, serial));
        }

        var next = found.Count > size ? IdPageToken.Commands.Create(page[^1].Id.Value) : null;
        return TypedResults.Ok(new PageResponse<CommandResponse>(items, next));
    }

    internal static async Task<Results<Ok<CommandResponse>, ProblemHttpResult>> CancelAsync(
        long id,
        HttpRequest request,
        [FromServices] CommandService service,
        [FromServices] ICommandStore commands,
        [FromServices] IMeterRepository meters,
        CancellationToken cancellationToken)
    {
        if (!RequestActor.TryGet(request, out var actor, out var actorProblem))
        {
            return actorProblem!;
        }

        try
        {
            var cancelled = await service.CancelAsync(new CommandId(id), actor, cancellationToken).ConfigureAwait(false);
            var command = await commands.GetAsync(new CommandId(id), cancellationToken).ConfigureAwait(false);
            if (command is null)
            {
                return ApiProblems.UnknownCommand.Result($"No command has id {id}.");
            }

            if (!cancelled)
            {
                return ApiProblems.CommandNotCancellable.Result($"Command {id} is {command.State}; only a Requested command can be cancelled.");
            }

            var meter = await meters.GetAsync(command.Meter, cancellationToken).ConfigureAwait(false);
            return TypedResults.Ok(CommandResponse.From(command, meter?.Serial));
        }
        catch (CommandRejectedException e)
        {
            return CommandProblems.From(e);
        }
    }
}
