namespace Meterline.HeadEnd.Access;

/// <summary>Lockout and token-use settings of <see cref="AccessService"/>.</summary>
public sealed record AccessOptions
{
    /// <summary>Consecutive failed sign-ins that lock a user.</summary>
    public int MaxFailedLogins { get; init; } = 5;

    /// <summary>How long a lockout lasts.</summary>
    public TimeSpan Lockout { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>A token's last-used time is written at most this often (not a write per request).</summary>
    public TimeSpan TokenUseResolution { get; init; } = TimeSpan.FromMinutes(1);

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxFailedLogins, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Lockout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(TokenUseResolution, TimeSpan.Zero);
    }
}
