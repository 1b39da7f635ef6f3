namespace Meterline.HeadEnd.Ingest;

/// <summary>Why the <see cref="ConnectionGate"/> asked a connection to close (<see cref="ConnectionLease.Closing"/>).</summary>
public enum ConnectionCloseReason
{
    /// <summary>The gate has not asked it to close.</summary>
    None = 0,

    /// <summary>It did not authenticate within <see cref="ConnectionGateOptions.AuthenticationTimeout"/>.</summary>
    AuthenticationTimeout = 1,

    /// <summary>Authenticated, it delivered nothing for <see cref="ConnectionGateOptions.IdleTimeout"/>.</summary>
    IdleTimeout = 2,

    /// <summary>Unauthenticated, it was the oldest when a newer connection needed its slot.</summary>
    Evicted = 3,
}
