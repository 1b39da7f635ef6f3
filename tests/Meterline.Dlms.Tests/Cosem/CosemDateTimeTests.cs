using Meterline.Dlms.Cosem;

namespace Meterline.Dlms.Tests.Cosem;

public class CosemDateTimeTests
{
    [Fact]
    public void FromDateTimeOffset_ParisWinterBlueBook_DeviationIsMinus60()
    {
        // Blue Book 4.1.6.1: deviation is minutes from local time to UTC, so UTC+01:00 is -60.
        var value = CosemDateTime.FromDateTimeOffset(new DateTimeOffset(2026, 1, 15, 8, 30, 0, TimeSpan.FromHours(1)));
        Assert.Equal(-60, value.Deviation);
        Assert.Equal(new CosemDate(2026, 1, 15, 4), value.Date);
        Assert.Equal(new CosemTime(8, 30, 0, 0), value.Time);
        Assert.Equal("07EA010F04081E0000FFC400", Convert.ToHexString(value.ToArray()));
    }

    [Fact]
    public void FromDateTimeOffset_IndiaLocalMinusUtc_DeviationIsPlus330()
    {
        var instant = new DateTimeOffset(2026, 11, 23, 15, 30, 0, new TimeSpan(5, 30, 0));
        var value = CosemDateTime.FromDateTimeOffset(instant, ClockStatus.Ok, DeviationConvention.LocalMinusUtc);
        Assert.Equal(330, value.Deviation);
        Assert.Equal(instant, value.ToDateTimeOffset(DeviationConvention.LocalMinusUtc));
        Assert.Equal(instant.UtcDateTime, value.ToDateTimeOffset(DeviationConvention.LocalMinusUtc).UtcDateTime);
    }

    [Theory]
    [InlineData(2026, 11, 23, 1)]
    [InlineData(2026, 11, 29, 7)]
    [InlineData(2024, 2, 29, 4)]
    public void FromDateTimeOffset_ComputesCosemDayOfWeek_MondayIsOne(int year, int month, int day, byte expected)
    {
        var value = CosemDateTime.FromDateTimeOffset(new DateTimeOffset(year, month, day, 0, 0, 0, TimeSpan.Zero));
        Assert.Equal(expected, value.Date.DayOfWeek);
    }

    [Fact]
    public void RoundTrip_HundredthsKept_SubHundredthsTruncated()
    {
        var instant = new DateTimeOffset(2026, 3, 1, 23, 59, 58, 990, TimeSpan.FromMinutes(-300)).AddTicks(12345);
        var value = CosemDateTime.FromDateTimeOffset(instant);
        Assert.Equal(99, value.Time.Hundredths);
        Assert.Equal(300, value.Deviation);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 23, 59, 58, 990, TimeSpan.FromMinutes(-300)), value.ToDateTimeOffset());
    }

    [Fact]
    public void TryToDateTimeOffset_UnspecifiedDeviation_UsesAssumedOffsetOrFails()
    {
        var value = new CosemDateTime(new CosemDate(2026, 11, 23, 0xFF), new CosemTime(1, 2, 3, 0xFF), CosemDateTime.DeviationNotSpecified, ClockStatus.NotSpecified);
        Assert.False(value.TryToDateTimeOffset(out _));
        Assert.True(value.TryToDateTimeOffset(out var local, assumedOffset: new TimeSpan(5, 30, 0)));
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 1, 2, 3, new TimeSpan(5, 30, 0)), local);
    }

    [Theory]
    [InlineData("FFFF0B1701010203FF0000 00")]
    [InlineData("07EAFF1701010203FF000000")]
    [InlineData("07EA0BFE01010203FF000000")]
    [InlineData("07EA0B1F01010203FF000000")]
    [InlineData("07EA0B1701180203FF000000")]
    [InlineData("07EA0B17010102FFFF000000")]
    [InlineData("07EA0B1701010203FF7FFF00")]
    [InlineData("07EA021E01010203FF000000")]
    public void TryToDateTimeOffset_WildcardOrOutOfRange_ReturnsFalse(string hex)
    {
        var value = CosemDateTime.FromOctetString(Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal)));
        Assert.False(value.TryToDateTimeOffset(out _));
        Assert.Throws<InvalidOperationException>(() => value.ToDateTimeOffset());
    }

    [Fact]
    public void Unspecified_EncodesAllWildcards()
    {
        Assert.Equal("FFFFFFFFFFFFFFFFFF8000FF", Convert.ToHexString(CosemDateTime.Unspecified.ToArray()));
        Assert.Equal(CosemDateTime.Unspecified, CosemDateTime.FromOctetString(CosemDateTime.Unspecified.ToArray()));
    }

    [Fact]
    public void FromOctetString_WrongLength_Throws()
    {
        Assert.Throws<ArgumentException>(() => CosemDateTime.FromOctetString(new byte[11]));
    }

    [Fact]
    public void OctetString_CarryingDateTime_IsRecognised()
    {
        var value = CosemDateTime.FromDateTimeOffset(new DateTimeOffset(2026, 11, 23, 0, 15, 0, TimeSpan.Zero));
        var octets = CosemData.OctetString.FromDateTime(value);
        Assert.True(octets.TryGetDateTime(out var back));
        Assert.Equal(value, back);
        Assert.False(new CosemData.OctetString(new byte[6]).TryGetDateTime(out _));
    }

    [Fact]
    public void ToString_ShowsWildcards()
    {
        Assert.Equal("****-**-** **:**:**.** dev=* status=*", CosemDateTime.Unspecified.ToString());
    }
}
