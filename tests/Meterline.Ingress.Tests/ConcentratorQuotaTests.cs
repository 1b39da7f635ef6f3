using Meterline.HeadEnd.Ingest;

namespace Meterline.Ingress.Tests;

/// <summary>A declared concentrator's addresses get its quota; every other address the default per-source quota.</summary>
public sealed class ConcentratorQuotaTests
{
    [Fact]
    public async Task SourceBucketsFor_DeclaredNetworkAndName_TheirQuotaElseTheDefault()
    {
        await using var node = await IngressNode.StartAsync(honestMeters: 1, intervals: 1, o => o with
        {
            Ingest = new IngestPipelineOptions
            {
                Guard = new IngressGuardOptions
                {
                    PerSource = new TokenBucketSettings(0.001, 5),
                    Concentrators = [SourceQuota.Parse("10.20.0.0/16=0.001/200"), SourceQuota.Parse("gateway-7=0.001/50")],
                },
            },
        });
        var guard = node.Node.Pipeline.Guard;

        Assert.Equal(200, Takes(guard, "10.20.3.4"));
        Assert.Equal(200, Takes(guard, "10.20.3.5"));
        Assert.Equal(50, Takes(guard, "gateway-7"));
        Assert.Equal(5, Takes(guard, "10.21.0.1"));
        Assert.Equal(5, Takes(guard, "gateway-8"));
    }

    private static int Takes(IngressGuard guard, string source)
    {
        var buckets = guard.SourceBucketsFor(source);
        var taken = 0;
        while (taken < 10_000 && buckets.TryTake(source))
        {
            taken++;
        }

        return taken;
    }
}
