namespace Meterline.Meter.Control;

/// <summary>
/// The state diagram and the mode table of "Disconnect control" (Blue Book 4.5.8, class 70): each transition's
/// trigger and end states, and the transitions each control_mode allows.
/// </summary>
public static class DisconnectControlTransitions
{
    private static readonly (DisconnectControlTransition Transition, DisconnectControlTrigger Trigger, DisconnectControlState From, DisconnectControlState To)[] Diagram =
    [
        (DisconnectControlTransition.A, DisconnectControlTrigger.RemoteReconnect, DisconnectControlState.Disconnected, DisconnectControlState.Connected),
        (DisconnectControlTransition.B, DisconnectControlTrigger.RemoteDisconnect, DisconnectControlState.Connected, DisconnectControlState.Disconnected),
        (DisconnectControlTransition.C, DisconnectControlTrigger.RemoteDisconnect, DisconnectControlState.ReadyForReconnection, DisconnectControlState.Disconnected),
        (DisconnectControlTransition.D, DisconnectControlTrigger.RemoteReconnect, DisconnectControlState.Disconnected, DisconnectControlState.ReadyForReconnection),
        (DisconnectControlTransition.E, DisconnectControlTrigger.ManualReconnect, DisconnectControlState.ReadyForReconnection, DisconnectControlState.Connected),
        (DisconnectControlTransition.F, DisconnectControlTrigger.ManualDisconnect, DisconnectControlState.Connected, DisconnectControlState.ReadyForReconnection),
        (DisconnectControlTransition.G, DisconnectControlTrigger.LocalDisconnect, DisconnectControlState.Connected, DisconnectControlState.ReadyForReconnection),
        (DisconnectControlTransition.H, DisconnectControlTrigger.LocalReconnect, DisconnectControlState.ReadyForReconnection, DisconnectControlState.Connected),
    ];

    /// <summary>True when <paramref name="mode"/> allows <paramref name="transition"/> (the control_mode table).</summary>
    public static bool IsAllowed(DisconnectControlMode mode, DisconnectControlTransition transition) => mode switch
    {
        DisconnectControlMode.Mode1 => transition is DisconnectControlTransition.B or DisconnectControlTransition.C or DisconnectControlTransition.F
            or DisconnectControlTransition.G or DisconnectControlTransition.D or DisconnectControlTransition.E,
        DisconnectControlMode.Mode2 => transition is DisconnectControlTransition.B or DisconnectControlTransition.C or DisconnectControlTransition.F
            or DisconnectControlTransition.G or DisconnectControlTransition.A or DisconnectControlTransition.E,
        DisconnectControlMode.Mode3 => transition is DisconnectControlTransition.B or DisconnectControlTransition.C
            or DisconnectControlTransition.G or DisconnectControlTransition.D or DisconnectControlTransition.E,
        DisconnectControlMode.Mode4 => transition is DisconnectControlTransition.B or DisconnectControlTransition.C
            or DisconnectControlTransition.G or DisconnectControlTransition.A or DisconnectControlTransition.E,
        DisconnectControlMode.Mode5 => transition is DisconnectControlTransition.B or DisconnectControlTransition.C or DisconnectControlTransition.F
            or DisconnectControlTransition.G or DisconnectControlTransition.D or DisconnectControlTransition.E or DisconnectControlTransition.H,
        DisconnectControlMode.Mode6 => transition is DisconnectControlTransition.B or DisconnectControlTransition.C
            or DisconnectControlTransition.G or DisconnectControlTransition.D or DisconnectControlTransition.E or DisconnectControlTransition.H,
        _ => false,
    };

    /// <summary>
    /// The transition <paramref name="trigger"/> takes from <paramref name="state"/> under <paramref name="mode"/>, or
    /// null when the diagram has none or the mode forbids it.
    /// </summary>
    public static DisconnectControlTransition? Find(DisconnectControlMode mode, DisconnectControlTrigger trigger, DisconnectControlState state)
    {
        foreach (var (transition, t, from, _) in Diagram)
        {
            if (t == trigger && from == state && IsAllowed(mode, transition))
            {
                return transition;
            }
        }

        return null;
    }

    /// <summary>The state <paramref name="transition"/> leads to.</summary>
    public static DisconnectControlState Target(DisconnectControlTransition transition)
    {
        foreach (var (t, _, _, to) in Diagram)
        {
            if (t == transition)
            {
                return to;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(transition), transition, "Not a transition of the diagram");
    }

    /// <summary>True when the output is closed (the load is supplied) in <paramref name="state"/>.</summary>
    public static bool OutputState(DisconnectControlState state) => state == DisconnectControlState.Connected;
}
