namespace Meterline.Server.Observability;

/// <summary>Where one of the node's long-running services is.</summary>
public enum LoopState
{
    /// <summary>Registered, not yet started.</summary>
    Starting,

    Running,

    /// <summary>Stopped by a database outage (docs/crash-safety.md); run again after a back-off.</summary>
    WaitingForStore,

    /// <summary>Ended on its own (a fault: the node is stopping).</summary>
    Ended,

    /// <summary>Failed with an exception (the node is stopping).</summary>
    Failed,

    /// <summary>Stopped because the node is shutting down.</summary>
    Stopped,
}
