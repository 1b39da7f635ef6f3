namespace Meterline.HeadEnd.Commands;

/// <summary>remote_disconnect on Disconnect control, then read the relay back. No parameters.</summary>
public sealed record DisconnectParameters : CommandParameters
{
    public override CommandKind Kind => CommandKind.Disconnect;
}
