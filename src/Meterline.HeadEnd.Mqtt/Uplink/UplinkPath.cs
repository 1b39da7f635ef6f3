namespace Meterline.HeadEnd.Mqtt.Uplink;

/// <summary>Which messages of an <c>up</c> topic a subscription is for (a node of several gets pushes through the shared subscription and its sessions' responses through a subscription of its own).</summary>
public enum UplinkPath
{
    /// <summary>Pushes to the pipeline and responses to sessions (the embedded broker).</summary>
    All = 0,

    /// <summary>Pushes only; responses are for whichever node runs the session (the shared subscription).</summary>
    Pushes = 1,

    /// <summary>Responses only; pushes come through the shared subscription (a node's per-session subscription).</summary>
    Responses = 2,
}
