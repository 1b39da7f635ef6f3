using Meterline.Dlms.Apdus;

namespace Meterline.Dlms.Tests.Apdus;

public class InvokeIdAndPriorityTests
{
    [Theory]
    [InlineData(0xC1, 1, true, true)] // u9n/dlms-cosem default in its GET vectors
    [InlineData(0x81, 1, false, true)] // epri-dev/DLMS-COSEM ACTION vectors
    [InlineData(0x45, 5, true, false)] // epri-dev/DLMS-COSEM GET-Request vector
    [InlineData(0x00, 0, false, false)] // test-vectors.md V1
    [InlineData(0x4F, 15, true, false)]
    public void Decode_Byte_SplitsBits(byte value, int invokeId, bool confirmed, bool highPriority)
    {
        var parsed = InvokeIdAndPriority.Decode([value], out var consumed);

        Assert.Equal(invokeId, parsed.InvokeId);
        Assert.Equal(confirmed, parsed.IsConfirmed);
        Assert.Equal(highPriority, parsed.IsHighPriority);
        Assert.Equal(1, consumed);
        Assert.Equal(parsed, new InvokeIdAndPriority((byte)invokeId, confirmed, highPriority));
    }

    [Fact]
    public void Decode_ReservedBitsSet_KeepsThemForReEncoding()
    {
        var parsed = InvokeIdAndPriority.Decode([0x31], out _);
        var buffer = new byte[1];

        parsed.Encode(buffer);

        Assert.Equal(1, parsed.InvokeId);
        Assert.Equal(0x31, buffer[0]);
    }

    [Fact]
    public void Constructor_InvokeIdAbove15_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new InvokeIdAndPriority(16, true, true));
    }

    [Fact]
    public void Decode_Empty_ThrowsTruncated()
    {
        var error = Assert.Throws<DlmsFormatException>(() => InvokeIdAndPriority.Decode([], out _));

        Assert.Equal(DlmsErrorReason.Truncated, error.Reason);
        Assert.Equal(0, error.Offset);
        Assert.False(new InvokeIdAndPriority(0xC1).TryEncode([], out _));
        Assert.Throws<ArgumentException>(() => new InvokeIdAndPriority(0xC1).Encode([]));
    }

    [Fact]
    public void ToString_NamesTheBits()
    {
        Assert.Equal("invoke-id 1, confirmed, high priority", new InvokeIdAndPriority(0xC1).ToString());
    }
}
