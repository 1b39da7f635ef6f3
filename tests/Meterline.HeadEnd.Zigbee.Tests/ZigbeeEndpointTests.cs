using Meterline.HeadEnd.Meters;
using Meterline.Zigbee.Frames;

namespace Meterline.HeadEnd.Zigbee.Tests;

public sealed class ZigbeeEndpointTests
{
    [Theory]
    [InlineData("zigbee://0013A20040A1B2C3", 0x0013A20040A1B2C3UL, null, 0)]
    [InlineData("zigbee://0013a20040a1b2c3", 0x0013A20040A1B2C3UL, null, 0)]
    [InlineData("ZIGBEE://0013A20040A1B2C3", 0x0013A20040A1B2C3UL, null, 0)]
    [InlineData("zigbee+gw://127.0.0.1:4061/0013A20040A1B2C3", 0x0013A20040A1B2C3UL, "127.0.0.1", 4061)]
    [InlineData("zigbee+gw://concentrator-7.grid.example:1/0013A2004D540001", 0x0013A2004D540001UL, "concentrator-7.grid.example", 1)]
    [InlineData("zigbee+gw://[::1]:65535/0013A2004D540001", 0x0013A2004D540001UL, "::1", 65535)]
    public void TryParse_WellFormed_NodeAndGateway(string text, ulong node, string? host, int port)
    {
        Assert.True(ZigbeeEndpoint.TryParse(new MeterEndpoint(text), out var parsed, out var error), error);

        Assert.Equal(new XBeeAddress64(node), parsed.Node);
        Assert.Equal(host, parsed.GatewayHost);
        Assert.Equal(port, parsed.GatewayPort);
        Assert.Equal(host is not null, parsed.IsThroughGateway);
    }

    [Theory]
    [InlineData("zigbee://0013A20040A1B2C3", "zigbee://0013A20040A1B2C3")]
    [InlineData("zigbee://0013a20040a1b2c3", "zigbee://0013A20040A1B2C3")]
    [InlineData("zigbee+gw://127.0.0.1:4061/0013a20040a1b2c3", "zigbee+gw://127.0.0.1:4061/0013A20040A1B2C3")]
    [InlineData("zigbee+gw://[::1]:4061/0013A20040A1B2C3", "zigbee+gw://[::1]:4061/0013A20040A1B2C3")]
    public void ToString_Parsed_CanonicalFormThatParsesToTheSameEndpoint(string text, string canonical)
    {
        var parsed = ZigbeeEndpoint.Parse(new MeterEndpoint(text));

        Assert.Equal(canonical, parsed.ToString());
        Assert.Equal(parsed, ZigbeeEndpoint.Parse(parsed.ToMeterEndpoint()));
    }

    [Theory]
    [InlineData("dlms+tcp://10.0.0.5:4059?wport=1", "not a zigbee:// or zigbee+gw:// endpoint")]
    [InlineData("zigbeex://0013A20040A1B2C3", "not a zigbee:// or zigbee+gw:// endpoint")]
    [InlineData("zigbee://0013A20040A1B2C", "16 hex digits")]
    [InlineData("zigbee://0013A20040A1B2C3D", "16 hex digits")]
    [InlineData("zigbee://0013A20040A1B2CG", "16 hex digits")]
    [InlineData("zigbee://0x13A20040A1B2C3", "16 hex digits")]
    [InlineData("zigbee://0013A20040A1B2C3:4061", "nothing but the radio address")]
    [InlineData("zigbee://0013A20040A1B2C3/", "nothing but the radio address")]
    [InlineData("zigbee://0013A20040A1B2C3/extra", "nothing but the radio address")]
    [InlineData("zigbee://0013A20040A1B2C3?wport=1", "nothing but the radio address")]
    [InlineData("zigbee://0013A20040A1B2C3#x", "nothing but the radio address")]
    [InlineData("zigbee://user@0013A20040A1B2C3", "16 hex digits")]
    [InlineData("zigbee://0000000000000000", "coordinator")]
    [InlineData("zigbee://000000000000FFFF", "broadcast")]
    [InlineData("zigbee://FFFFFFFFFFFFFFFF", "unknown")]
    [InlineData("zigbee+gw://127.0.0.1/0013A20040A1B2C3", "needs the gateway's port")]
    [InlineData("zigbee+gw://127.0.0.1:4061", "needs the meter's radio address")]
    [InlineData("zigbee+gw://127.0.0.1:4061/", "needs the meter's radio address")]
    [InlineData("zigbee+gw://127.0.0.1:4061/0013A20040A1B2C3/", "one path segment")]
    [InlineData("zigbee+gw://127.0.0.1:4061/meters/0013A20040A1B2C3", "one path segment")]
    [InlineData("zigbee+gw://127.0.0.1:4061/0013A20040A1B2", "16 hex digits")]
    [InlineData("zigbee+gw://127.0.0.1:4061/0013A20040A1B2C3?net=1", "no query, fragment or user")]
    [InlineData("zigbee+gw://127.0.0.1:4061/0013A20040A1B2C3#x", "no query, fragment or user")]
    [InlineData("zigbee+gw://ops@127.0.0.1:4061/0013A20040A1B2C3", "no query, fragment or user")]
    [InlineData("zigbee+gw://127.0.0.1:4061/000000000000FFFF", "broadcast")]
    public void TryParse_Malformed_RefusedSayingWhy(string text, string why)
    {
        var endpoint = new MeterEndpoint(text);

        Assert.False(ZigbeeEndpoint.TryParse(endpoint, out var parsed, out var error));

        Assert.Null(parsed);
        Assert.Contains(why, error, StringComparison.Ordinal);
        var thrown = Assert.Throws<FormatException>(() => ZigbeeEndpoint.Parse(endpoint));
        Assert.Contains(text, thrown.Message, StringComparison.Ordinal);
        Assert.Contains(why, thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Factories_ReservedAddressOrBadGateway_Refused()
    {
        Assert.Throws<ArgumentException>(() => ZigbeeEndpoint.Local(XBeeAddress64.Coordinator));
        Assert.Throws<ArgumentException>(() => ZigbeeEndpoint.ThroughGateway("gw", 4061, XBeeAddress64.Broadcast));
        Assert.Throws<ArgumentOutOfRangeException>(() => ZigbeeEndpoint.ThroughGateway("gw", 0, new XBeeAddress64(0x0013A20040A1B2C3)));
        Assert.Throws<ArgumentException>(() => ZigbeeEndpoint.ThroughGateway(" ", 4061, new XBeeAddress64(0x0013A20040A1B2C3)));
        Assert.Equal("zigbee+gw://gw:4061/0013A20040A1B2C3", ZigbeeEndpoint.ThroughGateway("gw", 4061, new XBeeAddress64(0x0013A20040A1B2C3)).ToString());
    }

    [Theory]
    [InlineData("zigbee+gw://127.0.0.1:4061/0013A20040A1B2C3", true)]
    [InlineData("zigbee://0013A20040A1B2C3", false)]
    [InlineData("zigbee+gw://127.0.0.1/0013A20040A1B2C3", false)]
    [InlineData("dlms+tcp://127.0.0.1:4059?wport=1", false)]
    public void GatewayOpener_CanOpen_OnlyWellFormedGatewayEndpoints(string text, bool expected)
    {
        Assert.Equal(expected, new GatewayLinkOpener().CanOpen(new MeterEndpoint(text)));
    }

    [Fact]
    public async Task GatewayOpener_LocalEndpoint_Refused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => new GatewayLinkOpener().OpenAsync(new MeterEndpoint("zigbee://0013A20040A1B2C3"), 48));
    }
}
