using Meterline.Dlms.Apdus;

namespace Meterline.Dlms.Tests.Apdus;

public class LongInvokeIdAndPriorityTests
{
    [Fact]
    public void Decode_EveryFlag_IsReadFromItsBit()
    {
        // Bits 28-31: self-descriptive, processing-option (break on error), service-class, priority (Green Book).
        Assert.True(LongInvokeIdAndPriority.Decode(Convert.FromHexString("10000000"), out _).IsSelfDescriptive);
        Assert.True(LongInvokeIdAndPriority.Decode(Convert.FromHexString("20000000"), out _).BreakOnError);
        Assert.True(LongInvokeIdAndPriority.Decode(Convert.FromHexString("40000000"), out _).IsConfirmed);
        Assert.True(LongInvokeIdAndPriority.Decode(Convert.FromHexString("80000000"), out _).IsHighPriority);
        Assert.Equal(new LongInvokeIdAndPriority(0), LongInvokeIdAndPriority.Decode(Convert.FromHexString("00000000"), out _));
    }

    [Fact]
    public void Decode_HighPriorityWithId_SplitsIdAndPriority()
    {
        // A push header value with priority high and a 24-bit id (the layout of Green Book Long-Invoke-Id-And-Priority).
        var value = LongInvokeIdAndPriority.Decode(Convert.FromHexString("801BF780"), out var consumed);

        Assert.Equal(0x1BF780u, value.LongInvokeId);
        Assert.True(value.IsHighPriority);
        Assert.False(value.IsConfirmed);
        Assert.Equal(4, consumed);
    }

    [Fact]
    public void Constructor_AllFlags_ComposesTheValue()
    {
        var value = new LongInvokeIdAndPriority(0xABCDEF, confirmed: true, highPriority: true, selfDescriptive: true, breakOnError: true);
        var buffer = new byte[4];

        value.Encode(buffer);

        Assert.Equal(Convert.FromHexString("F0ABCDEF"), buffer);
    }

    [Fact]
    public void Decode_ReservedBitsSet_KeepsThem()
    {
        var value = LongInvokeIdAndPriority.Decode(Convert.FromHexString("0F000001"), out _);

        Assert.Equal(1u, value.LongInvokeId);
        Assert.Equal(0x0F000001u, value.Value);
    }

    [Fact]
    public void Constructor_IdAbove24Bits_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LongInvokeIdAndPriority(0x0100_0000, false, false));
    }

    [Fact]
    public void Decode_ThreeBytes_ThrowsTruncated()
    {
        var error = Assert.Throws<DlmsFormatException>(() => LongInvokeIdAndPriority.Decode(new byte[3], out _));

        Assert.Equal(DlmsErrorReason.Truncated, error.Reason);
        Assert.Equal(3, error.Offset);
    }
}
