using Meterline.HeadEnd.Ingest;

namespace Meterline.HeadEnd.Tests.Ingest;

/// <summary>The connection gate over a real pipeline (its metrics and rejection audit) and a fake clock.</summary>
public sealed class ConnectionGateTests
{
    private static ConnectionGate Gate(PipelineHarness harness, ConnectionGateOptions options) => new(harness.Pipeline, options, harness.Time);

    [Fact]
    public async Task TryOpen_MoreThanTheAddressCap_RefusedCountedAndOthersAdmitted()
    {
        await using var harness = await new PipelineHarness().StartAsync();
        var gate = Gate(harness, new ConnectionGateOptions { MaxConnectionsPerAddress = 2 });

        using var first = gate.TryOpen("mqtt:a:1", "192.0.2.1");
        using var second = gate.TryOpen("mqtt:a:2", "192.0.2.1");
        var third = gate.TryOpen("mqtt:a:3", "192.0.2.1");
        using var other = gate.TryOpen("mqtt:b:1", "192.0.2.2");

        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.Null(third);
        Assert.NotNull(other);
        Assert.Equal(3, gate.Open);
        Assert.Equal(1, gate.Refused);
        Assert.Equal(1, harness.Pipeline.Metrics.Rejected(IngestRejectReason.ConnectionLimited));
    }

    [Fact]
    public async Task TryOpen_AfterALeaseIsDisposed_TheAddressMayConnectAgain()
    {
        await using var harness = await new PipelineHarness().StartAsync();
        var gate = Gate(harness, new ConnectionGateOptions { MaxConnectionsPerAddress = 1 });

        var first = gate.TryOpen("tcp:1", "192.0.2.1")!;
        first.Dispose();
        first.Dispose();
        using var again = gate.TryOpen("tcp:2", "192.0.2.1");

        Assert.NotNull(again);
        Assert.Equal(1, gate.Open);
        Assert.Equal(0, gate.Refused);
    }

    [Fact]
    public async Task TryOpen_UnauthenticatedPoolFull_OldestUnauthenticatedEvictedAuthenticatedKept()
    {
        await using var harness = await new PipelineHarness().StartAsync();
        var gate = Gate(harness, new ConnectionGateOptions { MaxConnections = 3, MaxUnauthenticated = 2 });

        using var meter = gate.TryOpen("tcp:m", "192.0.2.10")!;
        meter.Authenticated();
        using var idle1 = gate.TryOpen("tcp:i1", "192.0.2.11")!;
        using var idle2 = gate.TryOpen("tcp:i2", "192.0.2.12")!;
        using var newcomer = gate.TryOpen("tcp:n", "192.0.2.13");

        Assert.NotNull(newcomer);
        Assert.True(idle1.Closing.IsCancellationRequested);
        Assert.Equal(ConnectionCloseReason.Evicted, idle1.CloseReason);
        Assert.False(idle2.Closing.IsCancellationRequested);
        Assert.False(meter.Closing.IsCancellationRequested);
        Assert.Equal(1, gate.Evicted);
        Assert.Equal(2, gate.Unauthenticated);
        Assert.Equal(1, harness.Pipeline.Metrics.Rejected(IngestRejectReason.ConnectionLimited));
    }

    [Fact]
    public async Task TryOpen_EverySlotAuthenticated_NewcomerRefused()
    {
        await using var harness = await new PipelineHarness().StartAsync();
        var gate = Gate(harness, new ConnectionGateOptions { MaxConnections = 2, MaxUnauthenticated = 2 });

        using var a = gate.TryOpen("tcp:a", "192.0.2.1")!;
        using var b = gate.TryOpen("tcp:b", "192.0.2.2")!;
        a.Authenticated();
        b.Authenticated();

        Assert.Null(gate.TryOpen("tcp:c", "192.0.2.3"));
        Assert.False(a.Closing.IsCancellationRequested);
        Assert.False(b.Closing.IsCancellationRequested);
        Assert.Equal(1, gate.Refused);
    }

    [Fact]
    public async Task Lease_SilentPastTheAuthenticationTimeout_ClosedAsSlowSenderAndAuditedOnce()
    {
        await using var harness = await new PipelineHarness().StartAsync();
        var gate = Gate(harness, new ConnectionGateOptions { AuthenticationTimeout = TimeSpan.FromSeconds(10) });

        using var slow1 = gate.TryOpen("tcp:1", "192.0.2.1")!;
        using var slow2 = gate.TryOpen("tcp:2", "192.0.2.1")!;
        harness.Time.Advance(TimeSpan.FromSeconds(9));
        Assert.False(slow1.Closing.IsCancellationRequested);
        harness.Time.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(ConnectionCloseReason.AuthenticationTimeout, slow1.CloseReason);
        Assert.Equal(ConnectionCloseReason.AuthenticationTimeout, slow2.CloseReason);
        Assert.Equal(2, gate.AuthenticationTimeouts);
        Assert.Equal(0, gate.Unauthenticated);
        Assert.Equal(2, harness.Pipeline.Metrics.Rejected(IngestRejectReason.SlowSender));
        await TestMeterSetup.UntilAsync(() => harness.Audit.Entries.Count(r => r.Action == "frame.rejected.slow-sender") == 1, harness.Time);
    }

    [Fact]
    public async Task Lease_Authenticated_TheAuthenticationTimeoutNoLongerAppliesButTheIdleTimeoutDoes()
    {
        await using var harness = await new PipelineHarness().StartAsync();
        var gate = Gate(harness, new ConnectionGateOptions { AuthenticationTimeout = TimeSpan.FromSeconds(10), IdleTimeout = TimeSpan.FromMinutes(5) });

        using var lease = gate.TryOpen("tcp:1", "192.0.2.1")!;
        harness.Time.Advance(TimeSpan.FromSeconds(5));
        lease.Authenticated();
        harness.Time.Advance(TimeSpan.FromMinutes(4));
        lease.Touch();
        harness.Time.Advance(TimeSpan.FromMinutes(4));
        Assert.False(lease.Closing.IsCancellationRequested);
        harness.Time.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal(ConnectionCloseReason.IdleTimeout, lease.CloseReason);
        Assert.Equal(0, gate.AuthenticationTimeouts);
        Assert.Equal(1, gate.IdleClosed);
        Assert.Equal(0, harness.Pipeline.Metrics.Rejected(IngestRejectReason.SlowSender));
    }

    [Fact]
    public async Task Lease_DisposedBeforeItsTimerFires_NothingReported()
    {
        await using var harness = await new PipelineHarness().StartAsync();
        var gate = Gate(harness, new ConnectionGateOptions { AuthenticationTimeout = TimeSpan.FromSeconds(1) });

        gate.TryOpen("tcp:1", "192.0.2.1")!.Dispose();
        harness.Time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(0, gate.Open);
        Assert.Equal(0, gate.AuthenticationTimeouts);
        Assert.Equal(0, harness.Pipeline.Metrics.Rejected(IngestRejectReason.SlowSender));
    }

    [Fact]
    public void Options_MoreUnauthenticatedThanConnections_Refused()
    {
        var options = new ConnectionGateOptions { MaxConnections = 10, MaxUnauthenticated = 11 };

        Assert.Throws<ArgumentOutOfRangeException>(options.Validate);
    }
}
