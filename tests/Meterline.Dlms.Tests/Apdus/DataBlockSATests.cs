using Meterline.Dlms.Apdus;

namespace Meterline.Dlms.Tests.Apdus;

public class DataBlockSATests
{
    [Fact]
    public void Equals_SameBytesInDifferentArrays_AreEqual()
    {
        var left = new DataBlockSA(true, 2, new byte[] { 9, 8 });

        Assert.Equal(left, new DataBlockSA(true, 2, new byte[] { 9, 8 }));
        Assert.Equal(left.GetHashCode(), new DataBlockSA(true, 2, new byte[] { 9, 8 }).GetHashCode());
        Assert.NotEqual(left, left with { BlockNumber = 3 });
        Assert.NotEqual(left, left with { RawData = new byte[] { 9 } });
    }

    [Fact]
    public void ToString_DoesNotShowTheBytes()
    {
        // A SET or ACTION block may carry a key or password being written.
        var text = new DataBlockSA(false, 1, "SECRET-PASSWORD"u8.ToArray()).ToString();

        Assert.Contains("15 bytes", text, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexString("SECRET"u8), text, StringComparison.Ordinal);
    }
}
