namespace Meterline.HeadEnd.Commands;

/// <summary>remote_reconnect on Disconnect control, then read the relay back. No parameters.</summary>
public sealed record ConnectParameters : CommandParameters
{
    public override CommandKind Kind => CommandKind.Connect;
}
