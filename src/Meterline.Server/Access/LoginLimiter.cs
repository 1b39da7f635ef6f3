using System.Threading.RateLimiting;

namespace Meterline.Server.Access;

/// <summary>
/// Sign-in attempts per user name (the per-source limit is the ASP.NET Core rate limiter's policy
/// <see cref="SourcePolicy"/>): a fixed window of a minute per partition, names hashed into a bounded number of
/// partitions so that a flood of made-up names cannot grow the table.
/// </summary>
public sealed class LoginLimiter : IDisposable
{
    public const string SourcePolicy = "login";

    private readonly PartitionedRateLimiter<string> _byName;
    private readonly int _partitions;

    public LoginLimiter(AccessServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _partitions = options.RateLimitPartitions;
        var permits = options.LoginsPerNamePerMinute;
        _byName = PartitionedRateLimiter.Create<string, int>(name => RateLimitPartition.GetFixedWindowLimiter(
            Partition(name, _partitions),
            _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0, AutoReplenishment = true }));
    }

    /// <summary>Takes one attempt for the name; false (with when to retry) when its partition has none left this minute.</summary>
    public bool TryAcquire(string name, out TimeSpan retryAfter)
    {
        using var lease = _byName.AttemptAcquire(name);
        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1);
        return lease.IsAcquired;
    }

    /// <summary>The partition of a key: one of <paramref name="partitions"/>, the same for the same key.</summary>
    public static int Partition(string key, int partitions) => (int)((uint)StringComparer.Ordinal.GetHashCode(key) % (uint)partitions);

    public void Dispose() => _byName.Dispose();
}
