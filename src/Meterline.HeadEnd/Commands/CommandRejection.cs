namespace Meterline.HeadEnd.Commands;

/// <summary>Why a command was refused when it was asked for (machine-readable; the API maps it to ProblemDetails).</summary>
public enum CommandRejection
{
    /// <summary>No meter with that id is registered (404).</summary>
    UnknownMeter = 1,

    /// <summary>The meter's keys are compromised (cover opened); only a key rotation may be asked (409).</summary>
    KeysCompromised = 2,

    /// <summary>The parameters are missing, malformed or out of range (400).</summary>
    InvalidParameters = 3,

    /// <summary>The meter has no endpoint, so no command can reach it (409).</summary>
    NoEndpoint = 4,

    /// <summary>The idempotency key was used before for a different command (409).</summary>
    IdempotencyKeyReused = 5,

    /// <summary>A key rotation of this meter is already under way (409).</summary>
    KeyRotationInProgress = 6,

    /// <summary>The actor, idempotency key or not-before time is missing or malformed (400).</summary>
    InvalidRequest = 7,
}
