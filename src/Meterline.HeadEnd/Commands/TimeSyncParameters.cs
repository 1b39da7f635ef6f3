namespace Meterline.HeadEnd.Commands;

/// <summary>Set the meter's clock to the head-end's time when the command runs, then read it back. No parameters.</summary>
public sealed record TimeSyncParameters : CommandParameters
{
    public override CommandKind Kind => CommandKind.TimeSync;
}
