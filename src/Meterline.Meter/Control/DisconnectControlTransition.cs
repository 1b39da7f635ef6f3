namespace Meterline.Meter.Control;

/// <summary>The transitions a–h of the "Disconnect control" state diagram (Blue Book 4.5.8, class 70).</summary>
public enum DisconnectControlTransition
{
    /// <summary>a: remote_reconnect, Disconnected → Connected (direct remote reconnection).</summary>
    A = 'a',

    /// <summary>b: remote_disconnect, Connected → Disconnected.</summary>
    B = 'b',

    /// <summary>c: remote_disconnect, Ready_for_reconnection → Disconnected.</summary>
    C = 'c',

    /// <summary>d: remote_reconnect, Disconnected → Ready_for_reconnection (the customer then reconnects).</summary>
    D = 'd',

    /// <summary>e: manual_reconnect, Ready_for_reconnection → Connected.</summary>
    E = 'e',

    /// <summary>f: manual_disconnect, Connected → Ready_for_reconnection.</summary>
    F = 'f',

    /// <summary>g: local_disconnect, Connected → Ready_for_reconnection.</summary>
    G = 'g',

    /// <summary>h: local_reconnect, Ready_for_reconnection → Connected.</summary>
    H = 'h',
}
