using Meterline.HeadEnd.Ingest;
using Meterline.Simulator.Attacks;
using Meterline.Simulator.Push;

namespace Meterline.HeadEnd.Coap.Tests;

public sealed class CoapAttackTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(AttackKind.Garbage)]
    [InlineData(AttackKind.OversizeAnnouncement)]
    [InlineData(AttackKind.Flood)]
    public async Task Attack_AgainstTheIngress_RefusedCountedAndHonestPushesStillStored(AttackKind kind)
    {
        await using var headEnd = await CoapHeadEnd.StartAsync(1, speed: 3600, Start, push: false,
            coap: new CoapIngressOptions { SourceRate = new TokenBucketSettings(50, 50) });
        var meters = await headEnd.RegisterAsync(_ => null);
        headEnd.RunPipeline();
        headEnd.RunIngress();
        headEnd.RunFleet();
        var transport = new CoapAttackTransport();

        var report = await transport.RunAsync(new AttackOptions
        {
            Kind = kind,
            Target = new Uri($"coap://127.0.0.1:{headEnd.Ingress.LocalEndPoint.Port}"),
            Duration = TimeSpan.FromSeconds(1),
            Rate = 2_000,
        }).WaitAsync(CoapHeadEnd.Bound);
        // UDP: what the kernel dropped never arrives; go on once the endpoint has taken what did.
        var seen = -1L;
        await CoapHeadEnd.UntilAsync(async () =>
        {
            var now = headEnd.Ingress.Endpoint.Received;
            var settled = now == seen && now > 0;
            seen = now;
            await Task.Delay(250);
            return settled;
        }, "the attack's datagrams were taken");

        // The honest meter, from another source address's bucket (its own endpoint), still gets its push stored.
        await CoapHeadEnd.UntilAsync(() => Task.FromResult(headEnd.Simulator.Snapshot().PushesPending > 0), "a push is due");
        Assert.True(((IPushSource)headEnd.Simulator.Meters[0]).TryTakePush(out var push));
        await Task.Delay(TimeSpan.FromSeconds(1.1)); // the attacked source's bucket refills
        var (client, stop) = await headEnd.ClientAsync();
        var response = await new Meterline.Coap.Endpoints.CoapClient(client).RequestAsync(headEnd.Ingress.LocalEndPoint, Meterline.Coap.Messages.CoapCode.Post, "/dlms", push.Apdu).WaitAsync(CoapHeadEnd.Bound);
        await stop();

        // Over the second at most 50 + 50 datagrams fit the source's bucket; a loaded machine sends fewer than the
        // 2,000 asked for, but always more than that.
        Assert.True(report.FramesSent > 200, $"{report.FramesSent} sent");
        Assert.True(headEnd.Ingress.Endpoint.RateLimited > 0);
        Assert.True(headEnd.Pipeline.Metrics.Rejected(IngestRejectReason.SourceRateLimited) > 0);
        Assert.Equal(Meterline.Coap.Messages.CoapCode.Changed, response.Code);
        Assert.True(await headEnd.Readings.CountReadingsAsync(meters[0].Id) > 0);
        Assert.Equal(0, headEnd.Ingress.Endpoint.ActiveReassemblies);
        Assert.False(transport.Supports(AttackKind.SlowSender));
        Assert.False(transport.Supports(AttackKind.IdleConnections));
    }
}
