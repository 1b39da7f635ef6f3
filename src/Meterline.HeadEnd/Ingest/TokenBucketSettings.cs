namespace Meterline.HeadEnd.Ingest;

/// <summary>A token bucket's shape: it holds at most <paramref name="Burst"/> tokens and gains <paramref name="RatePerSecond"/> a second.</summary>
public readonly record struct TokenBucketSettings(double RatePerSecond, int Burst)
{
    /// <summary>Throws when the rate is not a positive finite number or the burst is below 1.</summary>
    public void Validate()
    {
        if (!double.IsFinite(RatePerSecond) || RatePerSecond <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(RatePerSecond), RatePerSecond, "A token bucket's rate must be a positive number of tokens a second.");
        }

        if (Burst < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Burst), Burst, "A token bucket holds at least one token.");
        }
    }

    /// <summary>How long an emptied bucket takes to fill up again (after which it is indistinguishable from a new one).</summary>
    public TimeSpan TimeToFill => TimeSpan.FromSeconds(Burst / RatePerSecond);
}
