using System.Net;
using System.Text;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Cosem;
using Meterline.Dlms.Security;
using Meterline.Dlms.Wrapper;
using Meterline.EndToEnd.Tests.Support;
using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Readings;
using Meterline.Meter;
using Meterline.Meter.Push;
using Meterline.Storage.Tests.Support;

namespace Meterline.EndToEnd.Tests.Ingest;

/// <summary>
/// Frames a head-end must refuse, sent over the real TCP push port among a real meter's valid pushes: each refusal
/// is counted by reason, audited once per offending source and reason (not once per frame), and leaves nothing in
/// the store, while the valid pushes sent between them are stored. Run once per engine.
/// </summary>
public abstract class RejectedPushTests
{
    /// <summary>Each kind of bad frame is sent this many times from each of its sources.</summary>
    private const int Copies = 3;

    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    /// <summary>How long the node may take to store, count and audit what it was sent.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(15);

    private static readonly DateTimeOffset Start = new(2026, 3, 10, 6, 14, 0, TimeSpan.Zero);

    private static readonly ObisCode UsagePush = new(0, 0, 25, 9, 0, 255);

    /// <summary>The meter's own address: its valid pushes, and the bad frames that claim to be from it.</summary>
    private static readonly IPAddress MeterAddress = IPAddress.Parse("127.0.0.1");

    protected abstract IStorageTarget Target { get; }

    [Fact]
    public async Task PushPort_ForgedReplayedWeakOversizeAndGarbageFramesAmongValidPushes_RejectedCountedAuditedOncePerSourceNeverStored()
    {
        using var timeout = new CancellationTokenSource(Bound);
        var ct = timeout.Token;
        await using var node = await RunningNode.StartAsync(Target, LongAuditWindow, ct);
        await using var fleet = await RunningFleet.StartAsync(2, 3_600, Start, push: null, scenarios: null, ct);
        Assert.Equal(2, (await node.Node.Provisioner.ImportFileAsync(fleet.ProvisioningPath, "e2e", ct)).Added);
        var meter = fleet.Meters[0].Meter;
        var id = (await node.Node.Meters.FindBySerialAsync(meter.Id, ct))!.Id;
        var valid = await TakeUsagePushesAsync(meter, 3, ct);
        using var cipher = new AesGcmCipher(meter.Keys.GlobalUnicastEncryptionKey!, meter.Keys.AuthenticationKey!);
        var notification = ((GeneralGloCiphering)ApduCodec.Decode(valid[1].Apdu.Span)).Unprotect(cipher);
        var freshCounter = meter.NextInvocationCounter + 1_000;

        var forgedTag = valid[1].Apdu.ToArray();
        forgedTag[^1] ^= 0x01;
        using var strangerCipher = new AesGcmCipher(CipherKey.Generate(), CipherKey.Generate());
        var stranger = GeneralGloCiphering.Protect(strangerCipher, SecurityControl.AuthenticatedEncryption, SystemTitle.Parse("4D544C00000FFFFF"), 1, notification).ToArray();
        var truncated = new byte[] { GeneralGloCiphering.ApduTag, 0x08, 0x4D, 0x54, 0x4C };
        var oversize = new byte[WrapperFrame.HeaderLength + 5_000];
        WrapperFrame.WriteHeader(oversize, 1, 1, 5_000);
        oversize.AsSpan(WrapperFrame.HeaderLength).Fill(0xEE);
        var garbage = Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: head-end\r\n\r\n");

        await using (var own = await PushSender.ConnectAsync(node.PushEndpoint, MeterAddress, ct))
        {
            await own.SendAsync(valid[0].Apdu, ct);
            await UntilAsync(async () => await node.Node.Stores.Readings.CountReadingsAsync(id, ct) == 6, ct);
            for (var i = 0; i < Copies; i++)
            {
                await own.SendAsync(forgedTag, ct);
                await own.SendAsync(valid[0].Apdu, ct); // a replay: its counter is committed now
                await own.SendAsync(GeneralGloCiphering.Protect(cipher, SecurityControl.AuthenticationOnly, meter.SystemTitle, freshCounter + (uint)i, notification).ToArray(), ct);
            }

            await own.SendAsync(valid[1].Apdu, ct);
            for (var i = 0; i < Copies; i++)
            {
                await own.SendAsync(notification, ct);
                await own.SendAsync(truncated, ct);
            }

            await own.SendAsync(valid[2].Apdu, ct);
            foreach (var source in new[] { "127.0.0.2", "127.0.0.3" })
            {
                await using var other = await PushSender.ConnectAsync(node.PushEndpoint, IPAddress.Parse(source), ct);
                for (var i = 0; i < Copies; i++)
                {
                    await other.SendAsync(stranger, ct);
                }
            }

            await using (var big = await PushSender.ConnectAsync(node.PushEndpoint, IPAddress.Parse("127.0.0.4"), ct))
            {
                for (var i = 0; i < Copies; i++)
                {
                    await big.SendRawAsync(oversize, ct);
                }
            }

            await using (var noise = await PushSender.ConnectAsync(node.PushEndpoint, IPAddress.Parse("127.0.0.5"), ct))
            {
                await noise.SendRawAsync(garbage, ct);
            }

            await UntilAsync(async () => await node.Node.Stores.Readings.CountReadingsAsync(id, ct) == 18, ct);
        }

        var expected = new Dictionary<IngestRejectReason, (int Frames, string[] Sources)>
        {
            [IngestRejectReason.AuthenticationFailed] = (Copies, ["127.0.0.1"]),
            [IngestRejectReason.Replay] = (Copies, ["127.0.0.1"]),
            [IngestRejectReason.WeakProtection] = (Copies, ["127.0.0.1"]),
            [IngestRejectReason.Unprotected] = (Copies, ["127.0.0.1"]),
            [IngestRejectReason.Malformed] = (Copies + 1, ["127.0.0.1", "127.0.0.5"]),
            [IngestRejectReason.UnknownSystemTitle] = (2 * Copies, ["127.0.0.2", "127.0.0.3"]),
            [IngestRejectReason.Oversize] = (Copies, ["127.0.0.4"]),
        };
        var metrics = node.Node.Pipeline.Metrics;
        var auditor = node.Node.Pipeline.Auditor;
        var audits = expected.Values.Sum(e => e.Sources.Length);
        await UntilAsync(() => Task.FromResult(metrics.RejectedTotal >= expected.Values.Sum(e => e.Frames) && auditor.Written >= audits), ct);
        foreach (var (reason, (frames, sources)) in expected)
        {
            Assert.True(frames == metrics.Rejected(reason), $"{reason.Tag()}: {metrics.Rejected(reason)} counted, {frames} sent");
            var records = await node.AuditRecordsAsync("frame.rejected." + reason.Tag(), ct);
            Assert.Equal(sources, records.Select(r => r.Actor).Order());
        }

        Assert.Equal(expected.Values.Sum(e => e.Frames), metrics.RejectedTotal);
        Assert.Equal(audits, auditor.Written);
        Assert.Equal(3, metrics.Accepted);

        var stored = await StoredReadings.AllAsync(node.Node.Stores.Readings, id, Start, Start.AddDays(1), ct);
        Assert.Equal(valid.Count * 6, stored.Count);
        Assert.Equal(18, await node.Node.Stores.Readings.CountReadingsAsync(cancellationToken: ct));
        Assert.Equal(MeterBuffers.Intervals(meter, Start, Start.AddDays(1)).Keys.Select(k => k.Time).Distinct().Take(3), stored.Select(r => r.Time).Distinct().Order());
        Assert.Empty(await node.Node.Stores.Readings.GetEventsAsync(null, DateTimeOffset.MinValue, DateTimeOffset.MaxValue, 100, ct));
        await node.AssertSurvivedAsync(ct);
    }

    private static Server.Hosting.HeadEndOptions LongAuditWindow(Server.Hosting.HeadEndOptions options) => options with
    {
        Ingest = options.Ingest with { Guard = options.Ingest.Guard with { AuditWindow = TimeSpan.FromHours(1) } },
    };

    /// <summary>Takes the meter's first <paramref name="count"/> pushes (usage pushes, one per interval) as its push pump would, each reported delivered.</summary>
    private static async Task<List<PushMessage>> TakeUsagePushesAsync(SmartMeter meter, int count, CancellationToken cancellationToken)
    {
        var taken = new List<PushMessage>();
        while (taken.Count < count)
        {
            while (taken.Count < count && meter.TryTakePush(out var push))
            {
                meter.CompletePush(push.Sequence, delivered: true);
                Assert.Equal(UsagePush, push.PushSetup);
                taken.Add(push);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
        }

        return taken;
    }

    /// <summary>Waits until the condition holds or <see cref="Settle"/> has passed; the assertions after it say what is missing.</summary>
    private static async Task UntilAsync(Func<Task<bool>> condition, CancellationToken cancellationToken)
    {
        var until = DateTime.UtcNow + Settle;
        while (!await condition() && DateTime.UtcNow < until)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
        }
    }
}
