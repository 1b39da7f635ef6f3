using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Mqtt.Topics;

namespace Meterline.HeadEnd.Mqtt.Tests;

/// <summary>The topic scheme's parser, which runs for every message the node receives (docs/mqtt.md, "Topics").</summary>
public sealed class MeterTopicsTests
{
    [Fact]
    public void TryParseUp_ItsOwnUpTopic_TheSystemTitle()
    {
        var title = new MeterSystemTitle(0x4D4C_4E00_0000_00AF);

        Assert.True(MeterTopics.TryParseUp(MeterTopics.Up(title), out var parsed));
        Assert.Equal(title, parsed);
        Assert.True(MeterTopics.TryParseDown(MeterTopics.Down(title), out var down));
        Assert.Equal(title, down);
    }

    [Theory]
    [InlineData("meterline/4d4c4e00000000af/up")]   // lower case: not the canonical form (nor the meter's user name)
    [InlineData("meterline/4D4C4E00000000aF/up")]
    [InlineData("meterline/4D4C4E00000000AG/up")]   // not hexadecimal
    [InlineData("meterline/+4C4E00000000AF/up")]    // a sign ulong.TryParse would not take, still sixteen characters
    [InlineData("meterline/ 4C4E00000000AF/up")]
    [InlineData("meterline/4D4C4E00000000AF/down")]
    [InlineData("meterline/4D4C4E00000000AF/ux")]
    [InlineData("meterline/4D4C4E00000000AF-up")]
    [InlineData("meterlinx/4D4C4E00000000AF/up")]
    [InlineData("meterline/4D4C4E00000000A/up")]
    [InlineData("meterline/4D4C4E00000000AF0/up")]
    [InlineData("meterline/4D4C4E00000000AF/up/")]
    [InlineData("meterline/+/up")]
    [InlineData("")]
    [InlineData(null)]
    public void TryParseUp_AnyOtherTopic_False(string? topic)
    {
        Assert.False(MeterTopics.TryParseUp(topic, out var parsed));
        Assert.Equal(default, parsed);
    }
}
