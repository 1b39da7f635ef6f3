using Meterline.HeadEnd.Audit;
using Microsoft.Extensions.Time.Testing;

namespace Meterline.HeadEnd.Tests.Audit;

public sealed class AuditWindowLimiterTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void TryAdmit_SameKeyWithinWindow_SuppressedThenAdmittedAfterIt()
    {
        var limiter = new AuditWindowLimiter<string>(_time, TimeSpan.FromMinutes(1), 10);

        Assert.True(limiter.TryAdmit("10.0.0.1"));
        Assert.False(limiter.TryAdmit("10.0.0.1"));
        Assert.True(limiter.TryAdmit("10.0.0.2"));
        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.False(limiter.TryAdmit("10.0.0.1"));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(limiter.TryAdmit("10.0.0.1"));
        Assert.Equal((2L, 0L), (limiter.Suppressed, limiter.Dropped));
    }

    [Fact]
    public void TryAdmit_TableFullNothingExpired_DroppedUntilAnEntryExpires()
    {
        var limiter = new AuditWindowLimiter<int>(_time, TimeSpan.FromMinutes(1), 2);
        Assert.True(limiter.TryAdmit(1));
        Assert.True(limiter.TryAdmit(2));

        Assert.False(limiter.TryAdmit(3));
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(limiter.TryAdmit(3));
        Assert.Equal((0L, 1L), (limiter.Suppressed, limiter.Dropped));
    }

    [Fact]
    public void TryAdmit_AdmissionRefused_DroppedAndNotRemembered()
    {
        var limiter = new AuditWindowLimiter<int>(_time, TimeSpan.FromMinutes(1), 10);

        Assert.False(limiter.TryAdmit(1, () => false));
        Assert.True(limiter.TryAdmit(1, () => true));
        Assert.Equal((0L, 1L), (limiter.Suppressed, limiter.Dropped));
    }
}
