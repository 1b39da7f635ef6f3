namespace Meterline.Meter.Control;

/// <summary>
/// control_mode of "Disconnect control" (Blue Book 4.5.8, class 70, attribute 4): which of the transitions a–h of
/// the state diagram are allowed (see <see cref="DisconnectControlTransition"/>).
/// </summary>
public enum DisconnectControlMode : byte
{
    /// <summary>(0) None: the object is always connected; every transition is disabled.</summary>
    None = 0,

    /// <summary>(1) Disconnection: remote (b, c), manual (f), local (g). Reconnection: remote (d), manual (e).</summary>
    Mode1 = 1,

    /// <summary>(2) Disconnection: remote (b, c), manual (f), local (g). Reconnection: remote (a), manual (e).</summary>
    Mode2 = 2,

    /// <summary>(3) Disconnection: remote (b, c), local (g). Reconnection: remote (d), manual (e).</summary>
    Mode3 = 3,

    /// <summary>(4) Disconnection: remote (b, c), local (g). Reconnection: remote (a), manual (e).</summary>
    Mode4 = 4,

    /// <summary>(5) Disconnection: remote (b, c), manual (f), local (g). Reconnection: remote (d), manual (e), local (h).</summary>
    Mode5 = 5,

    /// <summary>(6) Disconnection: remote (b, c), local (g). Reconnection: remote (d), manual (e), local (h).</summary>
    Mode6 = 6,
}
