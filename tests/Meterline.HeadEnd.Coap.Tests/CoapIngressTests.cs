using System.Security.Cryptography;
using Meterline.Coap.Blockwise;
using Meterline.Coap.Endpoints;
using Meterline.Coap.Messages;
using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;
using Meterline.Simulator.Push;

namespace Meterline.HeadEnd.Coap.Tests;

public sealed class CoapIngressTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private static IReadOnlyList<CoapOption> OctetStream => [CoapOption.FromUInt(CoapOptionNumber.ContentFormat, CoapContentFormat.OctetStream)];

    [Fact]
    public async Task Pushes_HundredMetersForASimulatedDay_StoredExactlyOnce()
    {
        var ingest = new IngestPipelineOptions
        {
            MaxBatchDelay = TimeSpan.FromMilliseconds(5),
            Guard = new IngressGuardOptions { PerMeter = new TokenBucketSettings(1_000, 1_000) },
        };
        await using var headEnd = await CoapHeadEnd.StartAsync(100, speed: 86_400 / 30.0, Start, ingest: ingest);
        var meters = await headEnd.RegisterAsync(_ => null);
        headEnd.RunPipeline();
        headEnd.RunIngress();
        headEnd.RunFleet();

        var dayEnd = Start.AddDays(1);
        await CoapHeadEnd.UntilAsync(() => Task.FromResult(headEnd.Simulator.Snapshot().SimulatedTime > dayEnd.AddMinutes(30)), "a simulated day passed");
        await CoapHeadEnd.UntilAsync(async () =>
        {
            foreach (var meter in meters)
            {
                if ((await DayOfAsync(meter.Id)) is not { Count: > 0 } day || day[^1] != dayEnd)
                {
                    return false;
                }
            }

            return true;
        }, "every meter's intervals of the day stored", async () =>
        {
            var counts = new List<int>();
            foreach (var meter in meters.Take(5))
            {
                counts.Add((await headEnd.Readings.GetIntervalTimesAsync(meter.Id, Quantity.BlockImportEnergy, Start, dayEnd.AddDays(1))).Count);
            }

            var least = int.MaxValue;
            var worst = meters[0].Id;
            foreach (var meter in meters)
            {
                var n = (await DayOfAsync(meter.Id)).Count;
                if (n < least)
                {
                    least = n;
                    worst = meter.Id;
                }
            }

            var day = await DayOfAsync(worst);
            counts.Add(day.Count);
            counts.Add(day.Count > 0 ? (int)(day[0] - Start).TotalMinutes : -1);
            counts.Add(day.Count > 0 ? (int)(day[^1] - Start).TotalMinutes : -1);

            return $"intervals {string.Join(",", counts)}; {headEnd.Simulator.Snapshot()}; committed {headEnd.Ingress.Committed} refused {headEnd.Ingress.Refused} failed {headEnd.Ingress.Failed} rejected {headEnd.Pipeline.Metrics.RejectedTotal}";
        });

        foreach (var meter in meters)
        {
            // Every quarter-hour from the meter's first interval to midnight, each once: nothing lost, nothing stored twice.
            // A meter's first block is the first boundary after the simulator created it; at 2,880× a quarter-hour is
            // 0.3 s, so on a loaded machine the last meters of the hundred start some intervals into the day (seen: 9).
            // Half a day is the bound that still catches a fleet that stopped pushing.
            var day = await DayOfAsync(meter.Id);
            Assert.Equal(Enumerable.Range(0, day.Count).Select(i => dayEnd.AddMinutes(-15 * (day.Count - 1 - i))), day);
            Assert.InRange(day.Count, 48, 96);
        }

        async Task<List<DateTimeOffset>> DayOfAsync(MeterId id) =>
            [.. (await headEnd.Readings.GetIntervalTimesAsync(id, Quantity.BlockImportEnergy, Start, dayEnd.AddMinutes(1))).Where(t => t > Start && t <= dayEnd).Order()];

        Assert.Equal(0, headEnd.Pipeline.Metrics.RejectedTotal);
        Assert.True(headEnd.Ingress.Committed >= 4_800, $"{headEnd.Ingress.Committed} pushes committed");
        Assert.Equal(0, headEnd.Ingress.Failed);
        Assert.Equal(0, headEnd.Ingress.Endpoint.Malformed);
    }

    [Fact]
    public async Task Post_CommitSlowerThanPiggybackWindow_EmptyAckThenSeparateChanged()
    {
        await using var headEnd = await CoapHeadEnd.StartAsync(1, speed: 3600, Start, push: false,
            coap: new CoapIngressOptions { Endpoint = new CoapEndpointOptions { PiggybackWindow = TimeSpan.FromMilliseconds(100) } });
        var meters = await headEnd.RegisterAsync(_ => null);
        headEnd.RunIngress();
        headEnd.RunFleet();
        await CoapHeadEnd.UntilAsync(() => Task.FromResult(headEnd.Simulator.Snapshot().PushesPending > 0), "a push is due");
        Assert.True(((IPushSource)headEnd.Simulator.Meters[0]).TryTakePush(out var push));
        var (client, stop) = await headEnd.ClientAsync();

        // The batch writer is not running yet: the push is queued, and its commit waits until it starts.
        var posting = new CoapClient(client).RequestAsync(headEnd.Ingress.LocalEndPoint, CoapCode.Post, "/dlms", push.Apdu, OctetStream);
        await Task.Delay(500);
        Assert.False(posting.IsCompleted);
        headEnd.RunPipeline();
        var response = await posting.WaitAsync(CoapHeadEnd.Bound);
        await stop();

        Assert.Equal(CoapCode.Changed, response.Code);
        Assert.Equal(CoapMessageType.Confirmable, response.Message.Type);
        Assert.True(await headEnd.Readings.CountReadingsAsync(meters[0].Id) > 0);
    }

    [Fact]
    public async Task Post_RefusedReplayAndGarbage_ForbiddenAndCounted()
    {
        await using var headEnd = await CoapHeadEnd.StartAsync(1, speed: 3600, Start, push: false);
        var meters = await headEnd.RegisterAsync(_ => null);
        headEnd.RunPipeline();
        headEnd.RunIngress();
        headEnd.RunFleet();
        await CoapHeadEnd.UntilAsync(() => Task.FromResult(headEnd.Simulator.Snapshot().PushesPending > 0), "a push is due");
        Assert.True(((IPushSource)headEnd.Simulator.Meters[0]).TryTakePush(out var push));
        var (client, stop) = await headEnd.ClientAsync();
        var coap = new CoapClient(client);
        var to = headEnd.Ingress.LocalEndPoint;

        var first = await coap.RequestAsync(to, CoapCode.Post, "/dlms", push.Apdu, OctetStream).WaitAsync(CoapHeadEnd.Bound);
        var replay = await coap.RequestAsync(to, CoapCode.Post, "/dlms", push.Apdu, OctetStream).WaitAsync(CoapHeadEnd.Bound);
        var garbage = await coap.RequestAsync(to, CoapCode.Post, "/dlms", RandomNumberGenerator.GetBytes(100), OctetStream).WaitAsync(CoapHeadEnd.Bound);
        var elsewhere = await coap.RequestAsync(to, CoapCode.Post, "/other", push.Apdu, OctetStream).WaitAsync(CoapHeadEnd.Bound);
        var text = await coap.RequestAsync(to, CoapCode.Post, "/dlms", push.Apdu, [CoapOption.FromUInt(CoapOptionNumber.ContentFormat, CoapContentFormat.TextPlain)]).WaitAsync(CoapHeadEnd.Bound);
        await stop();

        Assert.Equal(CoapCode.Changed, first.Code);
        Assert.Equal(CoapCode.Forbidden, replay.Code);
        Assert.Equal(CoapCode.Forbidden, garbage.Code);
        Assert.Equal(CoapCode.NotFound, elsewhere.Code);
        Assert.Equal(CoapCode.UnsupportedContentFormat, text.Code);
        Assert.Equal(1, headEnd.Pipeline.Metrics.Rejected(IngestRejectReason.Replay));
        Assert.Equal(1, headEnd.Pipeline.Metrics.Rejected(IngestRejectReason.Malformed) + headEnd.Pipeline.Metrics.Rejected(IngestRejectReason.Unprotected));
        Assert.True(await headEnd.Readings.CountReadingsAsync(meters[0].Id) > 0);
    }

    [Fact]
    public async Task Post_Block1BeyondApduLimitAndUnparseableDatagrams_RejectedUnreadAsOversizeAndMalformed()
    {
        await using var headEnd = await CoapHeadEnd.StartAsync(1, speed: 3600, Start, push: false);
        await headEnd.RegisterAsync(_ => null);
        headEnd.RunPipeline();
        headEnd.RunIngress();
        var (client, stop) = await headEnd.ClientAsync(new CoapEndpointOptions { BlockSize = 512 });
        var to = headEnd.Ingress.LocalEndPoint;

        var huge = await new CoapClient(client).RequestAsync(to, CoapCode.Post, "/dlms", new byte[10_000], OctetStream).WaitAsync(CoapHeadEnd.Bound);
        var announced = await client.SendAsync(to, new CoapMessage
        {
            Type = CoapMessageType.Confirmable,
            Code = CoapCode.Post,
            Options = [.. CoapMessage.PathOptions("/dlms"), new BlockOption(0, true, 2).ToOption(CoapOptionNumber.Block1), CoapOption.FromUInt(CoapOptionNumber.Size1, 50_000_000)],
            Payload = new byte[64],
        }).WaitAsync(CoapHeadEnd.Bound);
        using var raw = new System.Net.Sockets.UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        await raw.SendAsync(new byte[] { 0x49, 0x02, 0, 1, 1, 2, 3 }, to); // TKL 9: a format error
        await raw.SendAsync(new byte[2000], to); // larger than a CoAP message may be
        await CoapHeadEnd.UntilAsync(() => Task.FromResult(headEnd.Ingress.Endpoint.Malformed >= 1 && headEnd.Ingress.Endpoint.Oversize >= 3), "the datagrams were counted");
        await stop();

        Assert.Equal(CoapCode.RequestEntityTooLarge, huge.Code);
        Assert.Equal(CoapCode.RequestEntityTooLarge, announced.Code);
        Assert.Equal(4096u, announced.Size1);
        Assert.Equal(3, headEnd.Pipeline.Metrics.Rejected(IngestRejectReason.Oversize));
        Assert.Equal(1, headEnd.Pipeline.Metrics.Rejected(IngestRejectReason.Malformed));
        Assert.Equal(0, headEnd.Ingress.Endpoint.ActiveReassemblies);
    }
}
