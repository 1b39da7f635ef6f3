namespace Meterline.HeadEnd.Commands;

/// <summary>
/// Replace the meter's global unicast encryption key and authentication key with fresh random keys (the master key
/// stays). No parameters: the keys are made when the command runs and never leave the key store in plain text.
/// </summary>
public sealed record KeyRotationParameters : CommandParameters
{
    public override CommandKind Kind => CommandKind.KeyRotation;
}
