namespace Meterline.Meter.Control;

/// <summary>control_state of "Disconnect control" (Blue Book 4.5.8, class 70, attribute 3).</summary>
public enum DisconnectControlState : byte
{
    /// <summary>(0) Disconnected: output_state FALSE.</summary>
    Disconnected = 0,

    /// <summary>(1) Connected: output_state TRUE.</summary>
    Connected = 1,

    /// <summary>(2) Ready_for_reconnection: output_state FALSE; a manual (or, by mode, local) reconnection closes it.</summary>
    ReadyForReconnection = 2,
}
