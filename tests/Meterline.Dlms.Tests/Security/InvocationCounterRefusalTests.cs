using Meterline.Dlms.Security;

namespace Meterline.Dlms.Tests.Security;

public class InvocationCounterRefusalTests
{
    private static readonly SystemTitle Sender = GreenBookVectors.ServerSystemTitle;
    private const KeyId Unicast = KeyId.GlobalUnicastEncryptionKey;

    [Fact]
    public void ReportRefused_StaleAndRepeatedCounters_AreCountedOnceEachWhileIsFreshOnlyAnswers()
    {
        var guard = new InvocationCounterGuard();
        guard.Accept(Sender, Unicast, 100);
        var raised = new List<uint>();
        guard.CounterRefused += (_, e) => raised.Add(e.InvocationCounter);

        Assert.False(guard.IsFresh(Sender, Unicast, 100));
        Assert.False(guard.IsFresh(Sender, Unicast, 7));
        Assert.Equal(0, guard.Refused);

        guard.ReportRefused(Sender, Unicast, 100);
        guard.ReportRefused(Sender, Unicast, 7);

        Assert.Equal(2, guard.Refused);
        Assert.Equal([100u, 7u], raised);
    }

    [Fact]
    public void IsFresh_FreshCounters_CountNothing()
    {
        var guard = new InvocationCounterGuard();
        Assert.True(guard.IsFresh(Sender, Unicast, 0));
        guard.Accept(Sender, Unicast, 100);

        Assert.True(guard.IsFresh(Sender, Unicast, 101));
        Assert.True(guard.TryAccept(Sender, Unicast, 101));

        Assert.Equal(0, guard.Refused);
    }
}
