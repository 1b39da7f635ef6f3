using Meterline.Dlms.Apdus;

namespace Meterline.Dlms.Tests.Apdus;

public class DataBlockGTests
{
    [Fact]
    public void Equals_SameBytesInDifferentArrays_AreEqual()
    {
        var left = new DataBlockG(false, 1, new byte[] { 1, 2, 3 });
        var right = new DataBlockG(false, 1, new byte[] { 1, 2, 3 });

        Assert.Equal(left, right);
        Assert.Equal(left.GetHashCode(), right.GetHashCode());
        Assert.NotEqual(left, new DataBlockG(false, 1, new byte[] { 1, 2, 4 }));
        Assert.NotEqual(left, new DataBlockG(true, 1, new byte[] { 1, 2, 3 }));
    }

    [Fact]
    public void Equals_EmptyRawDataAndResult_AreDifferentChoices()
    {
        Assert.NotEqual(new DataBlockG(true, 1, ReadOnlyMemory<byte>.Empty), new DataBlockG(true, 1, DataAccessResult.Success));
    }

    [Fact]
    public void Encode_LastBlock_WritesBooleanAsOne()
    {
        // last-block TRUE as 01, as in u9n/dlms-cosem tests/test_xdlms/test_get.py (C4 02 C1 01 …).
        var apdu = new GetResponseWithDatablock(new InvokeIdAndPriority(0xC1), new DataBlockG(true, 19, DataAccessResult.HardwareFault));

        Assert.Equal(Convert.FromHexString("C402C101000000130101"), apdu.ToArray());
    }

    [Fact]
    public void Decode_LastBlockAsFF_IsTrue()
    {
        // A-XDR BOOLEAN: any non-zero octet is TRUE.
        var apdu = Assert.IsType<GetResponseWithDatablock>(ApduCodec.Decode(Convert.FromHexString("C402C1FF000000130101")));

        Assert.True(apdu.Result.LastBlock);
    }

    [Fact]
    public void ToString_ShowsLengthNotBytes()
    {
        var text = new DataBlockG(false, 1, new byte[] { 0xAB, 0xCD }).ToString();

        Assert.Contains("2 bytes", text, StringComparison.Ordinal);
        Assert.DoesNotContain("ABCD", text, StringComparison.OrdinalIgnoreCase);
    }
}
