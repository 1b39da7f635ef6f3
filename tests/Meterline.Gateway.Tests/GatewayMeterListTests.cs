using Meterline.Gateway.Mqtt;
using Meterline.Zigbee.Frames;

namespace Meterline.Gateway.Tests;

public sealed class GatewayMeterListTests
{
    [Fact]
    public void Parse_CommentsBlankLinesAndLowerCase_MetersInOrderWithUpperCaseTitles()
    {
        var meters = GatewayMeterList.Parse(new StringReader("# gateway 1\n\n4d4c4d0000000002\t0013A2004D540002\n  4D4C4D0000000001   0013a2004d540001  \n"));

        Assert.Equal([new GatewayMeter("4D4C4D0000000002", new XBeeAddress64(0x0013A2004D540002)), new GatewayMeter("4D4C4D0000000001", new XBeeAddress64(0x0013A2004D540001))], meters);
    }

    [Fact]
    public void Parse_TitleAlone_MeterOnADlmsTcpLinkWithNoRadio()
    {
        var meters = GatewayMeterList.Parse(new StringReader("4d4c4d0000000003\n4D4C4D0000000001 0013A2004D540001\n4D4C4D0000000002\n"));

        Assert.Equal([new GatewayMeter("4D4C4D0000000003", null), new GatewayMeter("4D4C4D0000000001", new XBeeAddress64(0x0013A2004D540001)), new GatewayMeter("4D4C4D0000000002", null)], meters);
        Assert.Equal(meters, GatewayMeterList.Parse(new StringReader(GatewayMeterList.Format(meters))));
    }

    [Theory]
    [InlineData("4D4C4D000000001", "line 1")]
    [InlineData("4D4C4D0000000001\n4D4C4D0000000001", "twice")]
    [InlineData("4D4C4D000000001 0013A2004D540001", "line 1")]
    [InlineData("4D4C4D0000000001 0013A2004D54000G", "line 1")]
    [InlineData("4D4C4D0000000001 0013A2004D540001 extra", "line 1")]
    [InlineData("4D4C4D0000000001 0000000000000000", "coordinator")]
    [InlineData("4D4C4D0000000001 000000000000FFFF", "broadcast")]
    [InlineData("4D4C4D0000000001 FFFFFFFFFFFFFFFF", "unknown")]
    [InlineData("4D4C4D0000000001 0013A2004D540001\n4d4c4d0000000001 0013A2004D540002", "line 2")]
    [InlineData("4D4C4D0000000001 0013A2004D540001\n4D4C4D0000000002 0013A2004D540001", "twice")]
    public void Parse_BadLine_RefusedNamingIt(string text, string expected)
    {
        var refused = Assert.Throws<FormatException>(() => GatewayMeterList.Parse(new StringReader(text)));

        Assert.Contains(expected, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Format_ThenParse_SameMeters()
    {
        GatewayMeter[] meters = [new("4D4C4D0000000001", new XBeeAddress64(0x0013A2004D540001)), new("4D4C4D0000000002", new XBeeAddress64(0x0013A2004D540002))];

        Assert.Equal(meters, GatewayMeterList.Parse(new StringReader(GatewayMeterList.Format(meters))));
    }
}
