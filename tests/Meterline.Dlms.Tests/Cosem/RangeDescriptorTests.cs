using System.Buffers;
using System.Collections.Immutable;
using Meterline.Dlms;
using Meterline.Dlms.Axdr;
using Meterline.Dlms.Cosem;

namespace Meterline.Dlms.Tests.Cosem;

public class RangeDescriptorTests
{
    private const string ClockColumn = "0204" + "120008" + "09060000010000FF" + "0F02" + "120000";

    // u9n/dlms-cosem tests/test_xdlms/test_selective_access.py, test_range_descriptor_to_bytes: access selector 1 and
    // a range on the clock from 2020-01-01 00:03 (deviation -120) to 2020-01-06 00:03 (deviation -60), all columns.
    private const string From20200101 = "07E40101FF00030000FF8800";
    private const string To20200106 = "07E40106FF00030000FFC400";
    private static readonly byte[] PublishedRangeAccess = Convert.FromHexString(
        "01" + "0204" + ClockColumn + "090C" + From20200101 + "090C" + To20200106 + "0100");

    [Fact]
    public void ByClock_PublishedBounds_EncodesAsPublished()
    {
        var range = RangeDescriptor.ByClock(
            CosemDateTime.FromOctetString(Convert.FromHexString(From20200101)),
            CosemDateTime.FromOctetString(Convert.FromHexString(To20200106)));

        Assert.Equal(PublishedRangeAccess, Encode(range.ToSelectiveAccessDescriptor()));
    }

    [Fact]
    public void FromSelectiveAccessDescriptor_PublishedBytes_ReturnsClockRange()
    {
        var access = Decode(PublishedRangeAccess);

        var range = RangeDescriptor.FromSelectiveAccessDescriptor(access);

        Assert.Equal(CaptureObjectDefinition.Clock, range.RestrictingObject);
        Assert.Empty(range.SelectedValues);
        Assert.True(range.TryGetDateTimeRange(out var from, out var to));
        Assert.Equal(new DateTimeOffset(2020, 1, 1, 0, 3, 0, TimeSpan.FromHours(2)), from.ToDateTimeOffset());
        Assert.Equal(new DateTimeOffset(2020, 1, 6, 0, 3, 0, TimeSpan.FromHours(1)), to.ToDateTimeOffset());
        Assert.True(RangeDescriptor.TryFromSelectiveAccessDescriptor(access, out var viaTry));
        Assert.Equal(range, viaTry);
    }

    [Fact]
    public void ToDataFromData_WithSelectedColumns_RoundTrips()
    {
        var range = RangeDescriptor.ByClock(
            CosemDateTime.FromDateTimeOffset(new DateTimeOffset(2024, 3, 1, 0, 0, 0, TimeSpan.FromHours(5.5))),
            CosemDateTime.FromDateTimeOffset(new DateTimeOffset(2024, 3, 2, 0, 0, 0, TimeSpan.FromHours(5.5))),
            [CaptureObjectDefinition.Clock, new CaptureObjectDefinition(3, new ObisCode(1, 0, 1, 8, 0, 255), 2, 0)]);

        var again = RangeDescriptor.FromData(CosemDataCodec.Decode(CosemDataCodec.Encode(range.ToData())));

        Assert.Equal(range, again);
        Assert.Equal(range.GetHashCode(), again.GetHashCode());
        Assert.Equal(2, again.SelectedValues.Length);
    }

    [Fact]
    public void Equals_DifferentColumns_IsNotEqual()
    {
        var range = RangeDescriptor.ByClock(CosemDateTime.Unspecified, CosemDateTime.Unspecified);

        Assert.NotEqual(range, range with { SelectedValues = [CaptureObjectDefinition.Clock] });
        Assert.Equal(range, range with { SelectedValues = default });
    }

    [Fact]
    public void TryGetDateTimeRange_NonDateBounds_ReturnsFalse()
    {
        var range = new RangeDescriptor(CaptureObjectDefinition.Clock, new CosemData.DoubleLongUnsigned(1), new CosemData.DoubleLongUnsigned(2));

        Assert.False(range.TryGetDateTimeRange(out _, out _));
    }

    [Fact]
    public void TryGetDateTimeRange_DateTimeTypedBounds_ReturnsThem()
    {
        var when = CosemDateTime.FromDateTimeOffset(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var range = new RangeDescriptor(CaptureObjectDefinition.Clock, new CosemData.DateTime(when), new CosemData.DateTime(when));

        Assert.True(range.TryGetDateTimeRange(out var from, out var to));
        Assert.Equal(when, from);
        Assert.Equal(when, to);
    }

    [Fact]
    public void FromSelectiveAccessDescriptor_EntrySelector_ThrowsAtSelector()
    {
        var access = new EntryDescriptor(1).ToSelectiveAccessDescriptor();

        var error = Assert.Throws<DlmsFormatException>(() => RangeDescriptor.FromSelectiveAccessDescriptor(access));

        Assert.Equal(DlmsErrorReason.Malformed, error.Reason);
        Assert.Equal(0, error.Offset);
        Assert.False(RangeDescriptor.TryFromSelectiveAccessDescriptor(access, out _));
    }

    [Fact]
    public void FromSelectiveAccessDescriptor_BadColumn_PointsAtItInTheEncoding()
    {
        var badColumn = new CosemData.Structure(
            new CosemData.LongUnsigned(3),
            new CosemData.OctetString(new byte[5]),
            new CosemData.Integer(2),
            new CosemData.LongUnsigned(0));
        var parameters = new CosemData.Structure(
            CaptureObjectDefinition.Clock.ToData(),
            CosemData.NullData.Instance,
            CosemData.NullData.Instance,
            new CosemData.Array(CaptureObjectDefinition.Clock.ToData(), badColumn));
        var access = new SelectiveAccessDescriptor(1, parameters);

        var error = Assert.Throws<DlmsFormatException>(() => RangeDescriptor.FromSelectiveAccessDescriptor(access));

        Assert.Equal(DlmsErrorReason.Malformed, error.Reason);
        Assert.Contains("logical_name", error.Detail, StringComparison.Ordinal);
        var encoded = Encode(access);
        Assert.Equal(Convert.FromHexString("09050000000000"), encoded.AsSpan(error.Offset, 7).ToArray());
        Assert.False(RangeDescriptor.TryFromData(parameters, out _));
    }

    [Theory]
    [InlineData("0203" + ClockColumn + "0000", 0, "structure of 4")]
    [InlineData("0204" + "0204120008" + "09060000010000FF" + "0F02" + "0600000000" + "0000" + "0100", 17, "data_index")]
    [InlineData("0204" + ClockColumn + "0000" + "0200", 22, "selected_values")]
    [InlineData("0204" + ClockColumn + "0000" + "0101" + "120000", 24, "structure of 4")]
    public void FromData_WrongShape_ThrowsWithOffsetOfOffendingElement(string hex, int offset, string words)
    {
        var data = CosemDataCodec.Decode(Convert.FromHexString(hex));

        var error = Assert.Throws<DlmsFormatException>(() => RangeDescriptor.FromData(data));

        Assert.Equal(DlmsErrorReason.Malformed, error.Reason);
        Assert.Equal(offset, error.Offset);
        Assert.Contains(words, error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_NullBound_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => new RangeDescriptor(CaptureObjectDefinition.Clock, null!, CosemData.NullData.Instance));
        Assert.Throws<ArgumentNullException>(() => new RangeDescriptor(CaptureObjectDefinition.Clock, CosemData.NullData.Instance, null!));
    }

    private static byte[] Encode(SelectiveAccessDescriptor access)
    {
        var buffer = new ArrayBufferWriter<byte>();
        access.Write(new AxdrWriter(buffer));
        return buffer.WrittenSpan.ToArray();
    }

    private static SelectiveAccessDescriptor Decode(byte[] bytes)
    {
        var reader = new AxdrReader(bytes);
        var access = SelectiveAccessDescriptor.Read(ref reader);
        reader.EnsureAtEnd();
        return access;
    }
}
