using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;
using Meterline.HeadEnd.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Meterline.HeadEnd.Tests.Ingest;

public sealed class IngressGuardTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(TestMeterSetup.Start);
    private readonly InMemoryMeterRepository _repository = new();
    private readonly InMemoryReadingStore _store = new();
    private readonly RecordingAuditLog _audit = new();
    private readonly TestInspector _inspector = new();
    private readonly MeterDirectory _directory = new();
    private readonly PushCounterMarks _marks = new();
    private readonly IngestMetrics _metrics = new();
    private readonly RejectionAuditor _auditor;

    public IngressGuardTests()
    {
        _auditor = new RejectionAuditor(_audit, _time, TimeSpan.FromMinutes(1));
    }

    public void Dispose() => _metrics.Dispose();

    private async Task<(IngressGuard Guard, Meter Meter)> CreateAsync(IngressGuardOptions? options = null, SecurityLevel level = SecurityLevel.AuthenticatedEncrypted)
    {
        var meter = await TestMeterSetup.AddAsync(_repository, 1, level);
        await _directory.LoadAsync(_repository);
        await _marks.LoadAsync(_store);
        return (new IngressGuard(_inspector, _directory, _marks, _auditor, _metrics, options ?? new IngressGuardOptions(), _time), meter);
    }

    private async Task<IReadOnlyList<Meterline.HeadEnd.Audit.AuditRecord>> AuditedAsync()
    {
        await _auditor.FlushAsync();
        return _audit.Entries;
    }

    [Fact]
    public async Task Check_RegisteredMeterFreshCounterFullProtection_Accepted()
    {
        var (guard, meter) = await CreateAsync();
        var ack = new RecordingAcknowledgement();

        var result = guard.Check(TestFrames.Create(meter.SystemTitle, 5, ack: ack));

        Assert.True(result.IsAccepted);
        Assert.Equal(meter, result.Meter);
        Assert.Equal(5u, result.Header.InvocationCounter);
        Assert.Empty(ack.Outcomes);
        Assert.Equal(0, _metrics.RejectedTotal);
    }

    [Fact]
    public async Task Check_Oversize_RejectedBeforeTheHeaderIsReadCountedAuditedAndAcknowledged()
    {
        var (guard, meter) = await CreateAsync(new IngressGuardOptions { MaxFrameLength = 64 });
        var ack = new RecordingAcknowledgement();

        var result = guard.Check(TestFrames.Create(meter.SystemTitle, 5, ack: ack, length: 65));

        Assert.Equal(IngestRejectReason.Oversize, result.Reason);
        Assert.Equal(0, _inspector.Inspected);
        Assert.Equal(1, _metrics.Rejected(IngestRejectReason.Oversize));
        Assert.Equal([FrameOutcome.Rejected], ack.Outcomes);
        var entry = Assert.Single(await AuditedAsync());
        Assert.Equal("frame.rejected.oversize", entry.Action);
        Assert.Equal("10.0.0.1", entry.Actor);
    }

    [Fact]
    public async Task Check_SourceOverItsBucket_RejectedWithoutReadingTheHeader()
    {
        var (guard, meter) = await CreateAsync(new IngressGuardOptions { PerSource = new TokenBucketSettings(1, 3), PerMeter = new TokenBucketSettings(100, 100) });
        for (uint i = 1; i <= 3; i++)
        {
            Assert.True(guard.Check(TestFrames.Create(meter.SystemTitle, i)).IsAccepted);
        }

        var result = guard.Check(TestFrames.Create(meter.SystemTitle, 4));
        var otherSource = guard.Check(TestFrames.Create(meter.SystemTitle, 4, source: "10.0.0.2"));

        Assert.Equal(IngestRejectReason.SourceRateLimited, result.Reason);
        Assert.Equal(4, _inspector.Inspected); // three before the refusal, none for it, one from the other source
        Assert.True(otherSource.IsAccepted);
        Assert.Equal(1, _metrics.Rejected(IngestRejectReason.SourceRateLimited));
    }

    [Theory]
    [InlineData(HeaderInspection.Malformed, IngestRejectReason.Malformed)]
    [InlineData(HeaderInspection.Unprotected, IngestRejectReason.Unprotected)]
    public async Task Check_HeaderNotReadable_Rejected(HeaderInspection inspection, IngestRejectReason expected)
    {
        var (guard, meter) = await CreateAsync();

        var result = guard.Check(TestFrames.Create(meter.SystemTitle, 1, inspection: inspection));

        Assert.Equal(expected, result.Reason);
        Assert.Null(result.Meter);
        Assert.Equal(1, _metrics.Rejected(expected));
        Assert.Equal("frame.rejected." + expected.Tag(), Assert.Single(await AuditedAsync()).Action);
    }

    [Fact]
    public async Task Check_UnknownSystemTitle_RejectedAndAuditedUnderTheClaimedTitle()
    {
        var (guard, _) = await CreateAsync();
        var stranger = TestMeterSetup.Title(99);

        var result = guard.Check(TestFrames.Create(stranger, 1));

        Assert.Equal(IngestRejectReason.UnknownSystemTitle, result.Reason);
        var entry = Assert.Single(await AuditedAsync());
        Assert.Equal(stranger.ToString(), entry.Subject);
        Assert.Contains("\"invocationCounter\":\"1\"", entry.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_MeterOverItsBucket_RejectedAndOtherMetersUnaffected()
    {
        var (guard, meter) = await CreateAsync(new IngressGuardOptions { PerMeter = new TokenBucketSettings(0.1, 2) });
        var second = await TestMeterSetup.AddAsync(_repository, 2);
        _directory.Set(second);
        Assert.True(guard.Check(TestFrames.Create(meter.SystemTitle, 1)).IsAccepted);
        Assert.True(guard.Check(TestFrames.Create(meter.SystemTitle, 2)).IsAccepted);

        var result = guard.Check(TestFrames.Create(meter.SystemTitle, 3));

        Assert.Equal(IngestRejectReason.MeterRateLimited, result.Reason);
        Assert.True(guard.Check(TestFrames.Create(second.SystemTitle, 1)).IsAccepted);
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.True(guard.Check(TestFrames.Create(meter.SystemTitle, 3)).IsAccepted);
    }

    [Theory]
    [InlineData(40u)]
    [InlineData(41u)]
    [InlineData(0u)]
    public async Task Check_CounterNotAboveTheStoredMark_RejectedAsReplay(uint counter)
    {
        var meter = await TestMeterSetup.AddAsync(_repository, 1);
        await _store.WriteAsync(IngestBatch.Empty with { PushCounters = new Dictionary<MeterId, uint> { [meter.Id] = 41 } });
        var (guard, _) = await CreateAsyncExisting();

        var result = guard.Check(TestFrames.Create(meter.SystemTitle, counter));

        Assert.Equal(IngestRejectReason.Replay, result.Reason);
        Assert.Equal(meter, result.Meter);
        Assert.True(guard.Check(TestFrames.Create(meter.SystemTitle, 42)).IsAccepted);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(false, false)]
    public async Task Check_ProtectedLessThanTheMetersLevel_RejectedAsWeak(bool authenticated, bool encrypted)
    {
        var (guard, meter) = await CreateAsync(level: SecurityLevel.AuthenticatedEncryptedSigned);

        var result = guard.Check(TestFrames.Create(meter.SystemTitle, 1, authenticated: authenticated, encrypted: encrypted));

        Assert.Equal(IngestRejectReason.WeakProtection, result.Reason);
        Assert.Equal(1, _metrics.Rejected(IngestRejectReason.WeakProtection));
        Assert.Equal(meter.Serial, Assert.Single(await AuditedAsync()).Subject);
    }

    [Fact]
    public async Task Check_MeterWithCompromisedKeys_Rejected()
    {
        var (guard, meter) = await CreateAsync();
        _directory.Set(meter with { KeyStatus = KeyStatus.Compromised });

        Assert.Equal(IngestRejectReason.KeysCompromised, guard.Check(TestFrames.Create(meter.SystemTitle, 1)).Reason);
    }

    [Fact]
    public async Task Reject_FloodFromOneSource_AuditedOncePerReasonPerWindowButAllCounted()
    {
        var (guard, _) = await CreateAsync();
        for (uint i = 0; i < 500; i++)
        {
            guard.Check(TestFrames.Create(TestMeterSetup.Title(99), i));
            guard.Check(TestFrames.Create(TestMeterSetup.Title(99), i, inspection: HeaderInspection.Malformed));
        }

        var firstWindow = await AuditedAsync();
        _time.Advance(TimeSpan.FromSeconds(59));
        guard.Check(TestFrames.Create(TestMeterSetup.Title(99), 1));
        var stillInWindow = await AuditedAsync();
        _time.Advance(TimeSpan.FromSeconds(1));
        guard.Check(TestFrames.Create(TestMeterSetup.Title(99), 1));
        guard.Check(TestFrames.Create(TestMeterSetup.Title(99), 1, source: "10.0.0.9"));

        Assert.Equal(["frame.rejected.malformed", "frame.rejected.unknown-system-title"], firstWindow.Select(e => e.Action).Order());
        Assert.Equal(2, stillInWindow.Count);
        Assert.Equal(4, (await AuditedAsync()).Count);
        Assert.Equal(503, _metrics.Rejected(IngestRejectReason.UnknownSystemTitle));
        Assert.Equal(500, _metrics.Rejected(IngestRejectReason.Malformed));
        Assert.Equal(999, _auditor.Suppressed);
    }

    [Fact]
    public async Task RejectUnread_OversizeHeadersFromOneSource_AllCountedAuditedOncePerWindowWithLinkAndDetail()
    {
        var (guard, _) = await CreateAsync();
        for (var i = 0; i < 3; i++)
        {
            guard.RejectUnread("dlms-tcp:10.2.0.1:4711", "10.2.0.1", IngestRejectReason.Oversize, "a frame header announcing more than 4096 bytes");
        }

        guard.RejectUnread("dlms-tcp:10.2.0.1:4711", "10.2.0.1", IngestRejectReason.Malformed, "bytes that are no wrapper frame");

        var audited = await AuditedAsync();
        Assert.Equal(3, _metrics.Rejected(IngestRejectReason.Oversize));
        Assert.Equal(1, _metrics.Rejected(IngestRejectReason.Malformed));
        Assert.Equal(["frame.rejected.malformed", "frame.rejected.oversize"], audited.Select(e => e.Action).Order());
        var oversize = audited.Single(e => e.Action == "frame.rejected.oversize");
        Assert.Equal(("10.2.0.1", "10.2.0.1"), (oversize.Actor, oversize.Subject));
        Assert.Contains("\"link\":\"dlms-tcp:10.2.0.1:4711\"", oversize.Detail, StringComparison.Ordinal);
        Assert.Contains("announcing more than 4096 bytes", oversize.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reject_MoreSourcesThanTheAuditTableHolds_ExtraOnesCountedAsDropped()
    {
        var auditor = new RejectionAuditor(_audit, _time, TimeSpan.FromMinutes(1), maxKeys: 3);
        var (_, meter) = await CreateAsync();
        var guard = new IngressGuard(_inspector, _directory, _marks, auditor, _metrics, new IngressGuardOptions(), _time);

        for (var i = 0; i < 5; i++)
        {
            guard.Check(TestFrames.Create(meter.SystemTitle, 1, inspection: HeaderInspection.Malformed, source: $"10.1.0.{i}"));
        }

        await auditor.FlushAsync();
        Assert.Equal(3, _audit.Entries.Count);
        Assert.Equal(2, auditor.Dropped);
        Assert.Equal(5, _metrics.Rejected(IngestRejectReason.Malformed));
    }

    private async Task<(IngressGuard Guard, Meter Meter)> CreateAsyncExisting()
    {
        await _directory.LoadAsync(_repository);
        await _marks.LoadAsync(_store);
        var guard = new IngressGuard(_inspector, _directory, _marks, _auditor, _metrics, new IngressGuardOptions(), _time);
        return (guard, (await _repository.GetAsync(new MeterId(1)))!);
    }
}
