namespace Meterline.Meter.Control;

/// <summary>What asks the disconnector to move (Blue Book 4.5.8): a method, the customer's button, or a local function.</summary>
public enum DisconnectControlTrigger
{
    /// <summary>Method 1, remote_disconnect.</summary>
    RemoteDisconnect,

    /// <summary>Method 2, remote_reconnect.</summary>
    RemoteReconnect,

    /// <summary>The customer's push button (manual_disconnect).</summary>
    ManualDisconnect,

    /// <summary>The customer's push button (manual_reconnect).</summary>
    ManualReconnect,

    /// <summary>A local function such as the limiter or prepayment (local_disconnect).</summary>
    LocalDisconnect,

    /// <summary>A local function such as the limiter or prepayment (local_reconnect).</summary>
    LocalReconnect,
}
