using Meterline.Dlms.Security;

namespace Meterline.Dlms.Tests.Security;

public class InvocationCounterRefusalTests
{
    private static readonly SystemTitle Sender = GreenBookVectors.ServerSystemTitle;
    private const KeyId Unicast = KeyId.GlobalUnicastEncryptionKey;

    [Fact]
    public void IsFresh_StaleAndRepeatedCounters_AreCountedAsRefused()
    {
        var guard = new InvocationCounterGuard();
        guard.Accept(Sender, Unicast, 100);

        Assert.False(guard.IsFresh(Sender, Unicast, 100));
        Assert.False(guard.IsFresh(Sender, Unicast, 7));

        Assert.Equal(2, guard.Refused);
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
