namespace Meterline.HeadEnd.Commands;

/// <summary>How a command ended on the meter: Confirmed or Failed, with the result JSON stored on its row.</summary>
public readonly record struct CommandOutcome(CommandState State, string Result)
{
    public static CommandOutcome Confirmed(string result) => new(CommandState.Confirmed, result);

    public static CommandOutcome Failed(string result) => new(CommandState.Failed, result);
}
