using System.Diagnostics;
using Meterline.HeadEnd.Ingest;
using Meterline.Server.Hosting;
using static System.FormattableString;

namespace Meterline.LoadHarness;

/// <summary>The node's followers of committed records (analytics, power quality, prepaid, outages, relay events) as a run sees them: whether they have caught up, and what they did.</summary>
internal static class FollowerWatch
{
    public static IngestFollowerMetrics?[] Followers(HeadEndNode node) =>
        [node.Analytics?.Follower, node.PowerQuality?.Follower, node.Prepaid?.Follower, node.Outages?.Follower, node.RelayEvents.Follower];

    /// <summary>The time every follower has spent in rounds and full passes so far.</summary>
    public static TimeSpan Busy(HeadEndNode node) => Followers(node).Aggregate(TimeSpan.Zero, (sum, f) => sum + (f?.Busy ?? TimeSpan.Zero));

    /// <summary>
    /// When every follower of committed records had acted on all it was given (waiting with nothing noted or in its
    /// feed, and no round since the last look, twice 50 ms apart), on the run's clock; null after 5 minutes.
    /// </summary>
    public static async Task<TimeSpan?> CaughtUpAsync(HeadEndNode node, Stopwatch clock, CancellationToken cancellationToken)
    {
        var until = clock.Elapsed + TimeSpan.FromMinutes(5);
        var followers = Followers(node).OfType<IngestFollowerMetrics>().ToArray();
        long Activity() => followers.Sum(f => f.Rounds + f.FullPasses);
        var quiet = 0;
        var seen = Activity();
        var first = TimeSpan.Zero;
        while (clock.Elapsed < until)
        {
            var now = clock.Elapsed;
            var activity = Activity();
            if (followers.All(f => f.CaughtUp) && activity == seen)
            {
                if (quiet++ == 0)
                {
                    first = now;
                }

                if (quiet == 3)
                {
                    return first;
                }
            }
            else
            {
                quiet = 0;
            }

            seen = activity;
            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
        }

        return null;
    }

    /// <summary>Each follower's rounds / rounds over lost meters (meters) / full passes (after a loss) and time in them, and the feed's lost records.</summary>
    public static string Describe(HeadEndNode node) =>
        $"{Follower("analytics", node.Analytics?.Follower)}; {Follower("power quality", node.PowerQuality?.Follower)}; {Follower("prepaid", node.Prepaid?.Follower)}; "
        + $"{Follower("outages", node.Outages?.Follower)}; {Follower("relay events", node.RelayEvents.Follower)}; feed records lost {node.Pipeline.Metrics.SubscriberDrops:N0}";

    private static string Follower(string name, IngestFollowerMetrics? metrics) =>
        metrics is null ? name + " off" : Invariant($"{name} {metrics.Rounds:N0} / {metrics.LostMeterRounds:N0} ({metrics.LostMeters:N0} meters) / {metrics.FullPasses:N0} ({metrics.FullPassesAfterLoss:N0}) in {metrics.Busy.TotalSeconds:0.00} s");
}
