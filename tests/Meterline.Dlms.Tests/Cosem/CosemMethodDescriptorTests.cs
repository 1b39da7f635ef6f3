using Meterline.Dlms;
using Meterline.Dlms.Cosem;

namespace Meterline.Dlms.Tests.Cosem;

public class CosemMethodDescriptorTests
{
    // Disconnect control (class 70) 0.0.96.3.10.255 method 1 remote_disconnect (Blue Book class 70; IS 15959).
    private static readonly byte[] RemoteDisconnect = Convert.FromHexString("0046000060030AFF01");

    [Fact]
    public void Decode_RemoteDisconnect_ReturnsFields()
    {
        var descriptor = CosemMethodDescriptor.Decode(RemoteDisconnect, out var consumed);

        Assert.Equal(new CosemMethodDescriptor(70, new ObisCode(0, 0, 96, 3, 10, 255), 1), descriptor);
        Assert.Equal(9, consumed);
    }

    [Fact]
    public void Encode_RemoteDisconnect_IsNineBytes()
    {
        var buffer = new byte[9];

        Assert.Equal(9, new CosemMethodDescriptor(70, new ObisCode(0, 0, 96, 3, 10, 255), 1).Encode(buffer));
        Assert.Equal(RemoteDisconnect, buffer);
    }

    [Fact]
    public void Decode_Empty_ThrowsTruncated()
    {
        var error = Assert.Throws<DlmsFormatException>(() => CosemMethodDescriptor.Decode([], out _));

        Assert.Equal(DlmsErrorReason.Truncated, error.Reason);
        Assert.Equal(0, error.Offset);
    }
}
