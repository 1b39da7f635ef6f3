using Meterline.Dlms;
using Meterline.Dlms.Cosem;

namespace Meterline.Dlms.Tests.Cosem;

public class CosemAttributeDescriptorTests
{
    // Clock 0.0.1.0.0.255 attribute 2, as in the GET-Request-Normal of test-vectors.md V1 (C0 01 00 | these 9 | 00).
    private static readonly byte[] ClockTime = Convert.FromHexString("00080000010000FF02");

    [Fact]
    public void Decode_ClockTime_ReturnsFields()
    {
        var descriptor = CosemAttributeDescriptor.Decode(ClockTime, out var consumed);

        Assert.Equal(new CosemAttributeDescriptor(8, ObisCode.Clock, 2), descriptor);
        Assert.Equal(9, consumed);
    }

    [Fact]
    public void Encode_ClockTime_IsNineBytes()
    {
        var buffer = new byte[9];

        Assert.Equal(9, new CosemAttributeDescriptor(8, ObisCode.Clock, 2).Encode(buffer));
        Assert.Equal(ClockTime, buffer);
    }

    [Fact]
    public void EncodeDecode_NegativeAttributeId_RoundTrips()
    {
        var descriptor = new CosemAttributeDescriptor(0xFFFF, new ObisCode(1, 2, 3, 4, 5, 6), -128);
        var buffer = new byte[descriptor.GetEncodedLength()];
        descriptor.Encode(buffer);

        Assert.Equal(Convert.FromHexString("FFFF01020304050680"), buffer);
        Assert.Equal(descriptor, CosemAttributeDescriptor.Decode(buffer, out _));
    }

    [Fact]
    public void Decode_EightBytes_ThrowsTruncated()
    {
        var error = Assert.Throws<DlmsFormatException>(() => CosemAttributeDescriptor.Decode(ClockTime.AsSpan(0, 8), out _));

        Assert.Equal(DlmsErrorReason.Truncated, error.Reason);
        Assert.Equal(8, error.Offset);
        Assert.False(CosemAttributeDescriptor.TryDecode(ClockTime.AsSpan(0, 8), out _, out _));
    }

    [Fact]
    public void Encode_DestinationTooSmall_Throws()
    {
        Assert.False(new CosemAttributeDescriptor(8, ObisCode.Clock, 2).TryEncode(new byte[8], out _));
        Assert.Throws<ArgumentException>(() => new CosemAttributeDescriptor(8, ObisCode.Clock, 2).Encode(new byte[8]));
    }
}
