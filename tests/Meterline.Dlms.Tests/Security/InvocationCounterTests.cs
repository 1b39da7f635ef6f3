using Meterline.Dlms.Security;

namespace Meterline.Dlms.Tests.Security;

public class InvocationCounterTests
{
    private static readonly SystemTitle Meter = GreenBookVectors.ServerSystemTitle;
    private static readonly SystemTitle OtherMeter = SystemTitle.Parse("4D4D4D0000BC614F");
    private const KeyId Unicast = KeyId.GlobalUnicastEncryptionKey;
    private const KeyId Broadcast = KeyId.GlobalBroadcastEncryptionKey;

    [Fact]
    public void TryAccept_FirstCounterFromSender_IsAcceptedEvenZero()
    {
        var guard = new InvocationCounterGuard();

        Assert.True(guard.TryAccept(Meter, Unicast, 0));
        Assert.True(guard.TryGetLastAccepted(Meter, Unicast, out var last));
        Assert.Equal(0u, last);
    }

    [Theory]
    [InlineData(100u, 100u, false)]
    [InlineData(100u, 99u, false)]
    [InlineData(100u, 0u, false)]
    [InlineData(100u, 101u, true)]
    [InlineData(100u, uint.MaxValue, true)]
    public void TryAccept_AfterACounter_AcceptsOnlyStrictlyGreater(uint accepted, uint next, bool expected)
    {
        var guard = new InvocationCounterGuard();
        guard.Accept(Meter, Unicast, accepted);

        Assert.Equal(expected, guard.IsFresh(Meter, Unicast, next));
        Assert.Equal(expected, guard.TryAccept(Meter, Unicast, next));
        guard.TryGetLastAccepted(Meter, Unicast, out var last);
        Assert.Equal(expected ? next : accepted, last);
    }

    [Fact]
    public void Accept_Replay_ThrowsReplayDetected()
    {
        var guard = new InvocationCounterGuard();
        guard.Accept(Meter, Unicast, 5);

        AesGcmCipherTests.AssertSecurityError(DlmsErrorReason.ReplayDetected, () => guard.Accept(Meter, Unicast, 5));
    }

    [Fact]
    public void IsFresh_DoesNotRecord()
    {
        var guard = new InvocationCounterGuard();

        Assert.True(guard.IsFresh(Meter, Unicast, 7));
        Assert.True(guard.IsFresh(Meter, Unicast, 7));
        Assert.False(guard.TryGetLastAccepted(Meter, Unicast, out _));
        Assert.Equal(0, guard.Count);
    }

    [Fact]
    public void TryAccept_SendersAndKeys_AreIndependent()
    {
        var guard = new InvocationCounterGuard();
        guard.Accept(Meter, Unicast, 1000);

        Assert.True(guard.TryAccept(OtherMeter, Unicast, 1));
        Assert.True(guard.TryAccept(Meter, Broadcast, 1));
        Assert.False(guard.TryAccept(Meter, Unicast, 999));
        Assert.Equal(3, guard.Count);
    }

    [Fact]
    public void ExportImport_RoundTrip_KeepsReplayProtection()
    {
        var guard = new InvocationCounterGuard();
        guard.Accept(Meter, Unicast, 41);
        guard.Accept(OtherMeter, Broadcast, 7);

        var restored = new InvocationCounterGuard();
        restored.Import(guard.Export());

        Assert.Equal(
            guard.Export().OrderBy(r => r.Sender.Value).ThenBy(r => r.KeyId),
            restored.Export().OrderBy(r => r.Sender.Value).ThenBy(r => r.KeyId));
        Assert.False(restored.TryAccept(Meter, Unicast, 41));
        Assert.True(restored.TryAccept(Meter, Unicast, 42));
        Assert.False(restored.TryAccept(OtherMeter, Broadcast, 7));
    }

    [Fact]
    public void Import_OlderValue_NeverMovesCounterBackwards()
    {
        var guard = new InvocationCounterGuard();
        guard.Accept(Meter, Unicast, 500);

        guard.Import([new InvocationCounterRecord(Meter, Unicast, 10)]);

        Assert.True(guard.TryGetLastAccepted(Meter, Unicast, out var last));
        Assert.Equal(500u, last);
        guard.Import([new InvocationCounterRecord(Meter, Unicast, 900)]);
        Assert.False(guard.IsFresh(Meter, Unicast, 900));
    }

    [Fact]
    public void Forget_AfterRekey_AcceptsCountersFromZeroAgain()
    {
        var guard = new InvocationCounterGuard();
        guard.Accept(Meter, Unicast, 500);

        Assert.True(guard.Forget(Meter, Unicast));
        Assert.True(guard.TryAccept(Meter, Unicast, 0));
        Assert.False(guard.Forget(OtherMeter, Unicast));
    }

    [Fact]
    public void Outgoing_Allocate_HandsOutStrictlyIncreasingValuesFromNext()
    {
        var counter = new OutgoingInvocationCounter(next: 10);

        Assert.Equal(10u, counter.Allocate());
        Assert.Equal(11u, counter.Allocate());
        Assert.True(counter.TryAllocate(out var third));
        Assert.Equal(12u, third);
        Assert.Equal(13u, counter.Next);
    }

    [Fact]
    public void Outgoing_AtMaximum_RefusesToWrap()
    {
        var counter = new OutgoingInvocationCounter(next: uint.MaxValue - 2, warningMargin: 0);

        Assert.Equal(uint.MaxValue - 2, counter.Allocate());
        Assert.Equal(uint.MaxValue - 1, counter.Allocate());

        Assert.True(counter.IsExhausted);
        Assert.False(counter.TryAllocate(out _));
        AesGcmCipherTests.AssertSecurityError(DlmsErrorReason.InvocationCounterExhausted, () => counter.Allocate());
        Assert.Equal(uint.MaxValue, counter.Next);
        Assert.Equal(0u, counter.Remaining);
    }

    [Fact]
    public void Outgoing_EnteringTheWarningMargin_RaisesEventOnceAndSetsFlag()
    {
        var counter = new OutgoingInvocationCounter(next: uint.MaxValue - 12, warningMargin: 10);
        var raised = 0;
        counter.NearExhaustion += (sender, _) =>
        {
            Assert.Same(counter, sender);
            raised++;
        };

        counter.Allocate(); // 11 left
        Assert.False(counter.IsNearExhaustion);
        Assert.Equal(0, raised);

        counter.Allocate(); // 10 left
        Assert.True(counter.IsNearExhaustion);
        Assert.Equal(1, raised);

        counter.Allocate();
        counter.Allocate();
        Assert.Equal(1, raised);
    }

    [Fact]
    public void Outgoing_ConcurrentAllocations_AreAllDistinct()
    {
        var counter = new OutgoingInvocationCounter();
        var values = new System.Collections.Concurrent.ConcurrentBag<uint>();

        Parallel.For(0, 20_000, _ => values.Add(counter.Allocate()));

        Assert.Equal(20_000, values.Distinct().Count());
        Assert.Equal(20_000u, counter.Next);
    }
}
