namespace Meterline.HeadEnd.Ingest;

/// <summary>Why a frame was refused. Each reason is counted (metric tag <see cref="IngestRejectReasonNames.Tag"/>) and audited, rate-limited.</summary>
public enum IngestRejectReason
{
    /// <summary>Longer than the guard's size cap, or announced longer than the transport accepts (dropped unread).</summary>
    Oversize = 0,

    /// <summary>The sending address exceeded its token bucket.</summary>
    SourceRateLimited = 1,

    /// <summary>The secured header could not be read (truncated, lengths wrong, not a ciphered APDU we accept), or the transport received bytes that are no frame.</summary>
    Malformed = 2,

    /// <summary>Not a secured APDU at all, or one without the sender's system title: its sender cannot be authenticated.</summary>
    Unprotected = 3,

    /// <summary>The system title is not a registered meter.</summary>
    UnknownSystemTitle = 4,

    /// <summary>The meter exceeded its token bucket.</summary>
    MeterRateLimited = 5,

    /// <summary>The invocation counter is not above the last one accepted from the meter (a replay or a stale frame).</summary>
    Replay = 6,

    /// <summary>Protected less than the meter's <see cref="Meters.SecurityLevel"/> asks (e.g. not encrypted).</summary>
    WeakProtection = 7,

    /// <summary>The meter's keys are marked compromised (cover opened): nothing it sends is trusted until it is re-keyed.</summary>
    KeysCompromised = 8,

    /// <summary>The head-end holds no keys for the meter's key generation.</summary>
    NoKeys = 9,

    /// <summary>The authentication tag did not verify: forged, corrupted, or under other keys.</summary>
    AuthenticationFailed = 10,

    /// <summary>Authenticated, but the content is not a notification the head-end understands.</summary>
    Undecodable = 11,

    /// <summary>Authenticated, but the serial number in the body is not the registered meter's.</summary>
    SerialMismatch = 12,

    /// <summary>A connection refused because its address, or the node, holds as many connections as allowed (<see cref="ConnectionGate"/>).</summary>
    ConnectionLimited = 13,

    /// <summary>A connection closed because it did not authenticate in time: a silent, slow or half-open sender (<see cref="ConnectionGate"/>).</summary>
    SlowSender = 14,

    /// <summary>A transport login refused: unknown user name or wrong password (MQTT CONNECT).</summary>
    BadCredentials = 15,

    /// <summary>An authenticated client tried what its access list forbids (MQTT: another meter's topic, or a client id that is not its own).</summary>
    AccessDenied = 16,
}
