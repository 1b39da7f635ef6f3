namespace Meterline.Server.Access;

/// <summary>The web side of access: sign-in limits, the session cookie, and where cookie keys live.</summary>
public sealed record AccessServerOptions
{
    /// <summary>Sign-in attempts per source address per minute (POST /api/session).</summary>
    public int LoginsPerSourcePerMinute { get; init; } = 10;

    /// <summary>Sign-in attempts per user name per minute, from any source.</summary>
    public int LoginsPerNamePerMinute { get; init; } = 10;

    /// <summary>Partitions of each sign-in limiter (addresses and names are hashed into this many buckets).</summary>
    public int RateLimitPartitions { get; init; } = 4_096;

    /// <summary>How long a browser session lasts without a request (sliding).</summary>
    public TimeSpan SessionIdle { get; init; } = TimeSpan.FromHours(8);

    /// <summary>
    /// How often an open operator-app circuit checks that its user is still enabled, with the same password, roles and
    /// consumer (a disabled or demoted user's open tab loses its rights within this time).
    /// </summary>
    public TimeSpan CircuitRevalidation { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>One audit entry per source and kind of refusal per window.</summary>
    public TimeSpan DenialAuditWindow { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Directory of the keys that protect session cookies; null keeps them in memory (sessions end when the node stops).</summary>
    public string? KeyDirectory { get; init; }

    /// <summary>
    /// The session key file (docs/access.md, "Sessions on several nodes"): when set, the key ring lives in the head-end
    /// database (the node registers its <see cref="Meterline.HeadEnd.Access.ISessionKeyStore"/>), encrypted under the
    /// 32-byte key in this owner-only file, and <see cref="KeyDirectory"/> is not used.
    /// </summary>
    public string? SessionKeyFile { get; init; }

    /// <summary>Write a fresh <see cref="SessionKeyFile"/> when it does not exist (the first node of a database).</summary>
    public bool CreateSessionKeyFile { get; init; }

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(LoginsPerSourcePerMinute, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(LoginsPerNamePerMinute, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(RateLimitPartitions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(SessionIdle, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(DenialAuditWindow, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(CircuitRevalidation, TimeSpan.Zero);
    }
}
