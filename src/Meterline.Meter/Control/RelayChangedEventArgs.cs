namespace Meterline.Meter.Control;

/// <summary>The load switch changed: output_state before and after, and the transition (a–h) that moved it.</summary>
public sealed class RelayChangedEventArgs(bool oldOutputState, bool newOutputState, DisconnectControlTransition cause) : EventArgs
{
    public bool OldOutputState { get; } = oldOutputState;

    public bool NewOutputState { get; } = newOutputState;

    /// <summary>The transition of the Blue Book state diagram that changed the output.</summary>
    public DisconnectControlTransition Cause { get; } = cause;
}
