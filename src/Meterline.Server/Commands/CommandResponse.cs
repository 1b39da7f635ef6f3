using System.Text.Json;
using Meterline.HeadEnd.Commands;

namespace Meterline.Server.Commands;

/// <summary>A command as the API shows it: its lifecycle state and times, its parameters and its result (JSON as stored).</summary>
public sealed record CommandResponse(
    long Id,
    int Meter,
    string? Serial,
    string Kind,
    CommandState State,
    JsonElement Parameters,
    string RequestedBy,
    DateTimeOffset RequestedAt,
    DateTimeOffset? NotBefore,
    DateTimeOffset Deadline,
    DateTimeOffset? SentAt,
    DateTimeOffset? CompletedAt,
    JsonElement? Result,
    string? IdempotencyKey)
{
    public bool IsFinal => State is CommandState.Confirmed or CommandState.Failed or CommandState.TimedOut or CommandState.Cancelled;

    public static CommandResponse From(CommandRecord command, string? serial)
    {
        ArgumentNullException.ThrowIfNull(command);
        return new CommandResponse(command.Id.Value, command.Meter.Value, serial, CommandKindNames.Name(command.Kind), command.State, Json(command.Parameters) ?? default,
            command.RequestedBy, command.RequestedAt, command.NotBefore, command.Deadline, command.SentAt, command.CompletedAt, Json(command.Result), command.IdempotencyKey);
    }

    private static JsonElement? Json(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(text);
        }
    }
}
