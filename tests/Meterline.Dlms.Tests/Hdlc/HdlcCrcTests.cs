using System.Text;
using Meterline.Dlms.Hdlc;

namespace Meterline.Dlms.Tests.Hdlc;

public class HdlcCrcTests
{
    [Fact]
    public void Compute_CatalogueCheckString_Is906E()
    {
        // CRC-16/X-25 catalogue check value.
        Assert.Equal(0x906E, HdlcCrc.Compute(Encoding.ASCII.GetBytes("123456789")));
    }

    [Fact]
    public void Write_Header033F_Gives5BECLowByteFirst()
    {
        // u9n/dlms-cosem tests/test_hdlc/test_hdlc.py.
        Span<byte> crc = stackalloc byte[2];
        HdlcCrc.Write(Convert.FromHexString("033F"), crc);
        Assert.Equal("5BEC", Convert.ToHexString(crc));
    }

    [Fact]
    public void Verify_FlippedBit_Fails()
    {
        var data = Convert.FromHexString("A00802232193");
        Span<byte> crc = stackalloc byte[2];
        HdlcCrc.Write(data, crc);
        Assert.True(HdlcCrc.Verify(data, crc));
        data[3] ^= 0x01;
        Assert.False(HdlcCrc.Verify(data, crc));
    }
}
