using Meterline.Dlms.Gateway;

namespace Meterline.Dlms.Tests.Gateway;

public sealed class GatewayPduTests
{
    private static readonly byte[] Address = Convert.FromHexString("0013A20040A1B2C3");

    [Fact]
    public void Encode_Request_LaysOutTagNetworkAddressAndApdu()
    {
        var pdu = new GatewayPdu(GatewayDirection.Request, 0, Address, new byte[] { 0xC0, 0x01, 0xC1 });

        Assert.Equal("E600080013A20040A1B2C3C001C1", Convert.ToHexString(pdu.ToArray()));
    }

    [Fact]
    public void Decode_Response_RoundTrips()
    {
        var bytes = new GatewayPdu(GatewayDirection.Response, 7, Address, new byte[] { 0x0F, 0x00 }).ToArray();

        var decoded = GatewayPdu.Decode(bytes);

        Assert.Equal(GatewayDirection.Response, decoded.Direction);
        Assert.Equal(7, decoded.NetworkId);
        Assert.Equal(Address, decoded.PhysicalDeviceAddress.ToArray());
        Assert.Equal(new byte[] { 0x0F, 0x00 }, decoded.Apdu.ToArray());
        Assert.Equal(bytes, decoded.ToArray());
    }

    [Theory]
    [InlineData("", DlmsErrorReason.Truncated)]
    [InlineData("E600", DlmsErrorReason.Truncated)]
    [InlineData("C00100", DlmsErrorReason.UnknownTag)]
    [InlineData("E60000C0", DlmsErrorReason.LengthOutOfRange)]
    [InlineData("E60021" + "00", DlmsErrorReason.LengthOutOfRange)]
    [InlineData("E600080013A20040A1B2", DlmsErrorReason.Truncated)]
    [InlineData("E600080013A20040A1B2C3", DlmsErrorReason.Truncated)]
    public void Decode_Malformed_ThrowsWithReason(string hex, DlmsErrorReason reason)
    {
        var e = Assert.Throws<DlmsFormatException>(() => GatewayPdu.Decode(Convert.FromHexString(hex)));

        Assert.Equal(reason, e.Reason);
    }

    [Theory]
    [InlineData("E6", true)]
    [InlineData("E7", true)]
    [InlineData("C0", false)]
    [InlineData("", false)]
    public void IsGatewayPdu_ByTag(string hex, bool expected) => Assert.Equal(expected, GatewayPdu.IsGatewayPdu(Convert.FromHexString(hex)));
}
