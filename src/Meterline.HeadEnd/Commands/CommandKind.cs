namespace Meterline.HeadEnd.Commands;

/// <summary>What an operator asks of a meter.</summary>
public enum CommandKind
{
    /// <summary>Read registers or a profile range now (on-demand read; also gap back-fill).</summary>
    Read = 1,

    /// <summary>remote_reconnect on Disconnect control 0.0.96.3.10.255, then read the relay back.</summary>
    Connect = 2,

    /// <summary>remote_disconnect on Disconnect control 0.0.96.3.10.255, then read the relay back.</summary>
    Disconnect = 3,

    /// <summary>Set the meter's clock (0.0.1.0.0.255) to the head-end's time.</summary>
    TimeSync = 4,

    /// <summary>Write a passive activity calendar (tariff) and its activation time (0.0.13.0.0.255).</summary>
    ActivityCalendar = 5,

    /// <summary>Replace the meter's keys by key transfer (Security setup method global_key_transfer).</summary>
    KeyRotation = 6,

    /// <summary>Write the Limiter (0.0.17.0.0.255, class 71) and read it back, or only read it (docs/demand-control.md).</summary>
    LoadLimit = 7,
}
