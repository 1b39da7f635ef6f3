namespace Meterline.HeadEnd.Commands;

/// <summary>
/// What a command asks, per kind: a closed hierarchy (<see cref="ReadParameters"/>, <see cref="ConnectParameters"/>,
/// <see cref="DisconnectParameters"/>, <see cref="TimeSyncParameters"/>, <see cref="ActivityCalendarParameters"/>,
/// <see cref="KeyRotationParameters"/>, <see cref="LoadLimitParameters"/>). Stored as JSON in <see cref="CommandRecord.Parameters"/> through
/// <see cref="CommandParametersJson"/>.
/// </summary>
public abstract record CommandParameters
{
    private protected CommandParameters()
    {
    }

    public abstract CommandKind Kind { get; }
}
