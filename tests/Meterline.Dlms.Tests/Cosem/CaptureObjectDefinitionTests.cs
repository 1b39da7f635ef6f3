using Meterline.Dlms;
using Meterline.Dlms.Cosem;

namespace Meterline.Dlms.Tests.Cosem;

public class CaptureObjectDefinitionTests
{
    // u9n/dlms-cosem tests/test_xdlms/test_selective_access.py, test_capture_object_definition: the Clock's time.
    private static readonly byte[] ClockColumn = Convert.FromHexString("020412000809060000010000FF0F02120000");

    [Fact]
    public void ToData_Clock_EncodesAsPublished()
    {
        Assert.Equal(ClockColumn, CosemDataCodec.Encode(CaptureObjectDefinition.Clock.ToData()));
    }

    [Fact]
    public void FromData_PublishedClockColumn_ReturnsClock()
    {
        Assert.Equal(CaptureObjectDefinition.Clock, CaptureObjectDefinition.FromData(CosemDataCodec.Decode(ClockColumn)));
    }

    [Fact]
    public void FromAttribute_CopiesTheDescriptor()
    {
        var column = CaptureObjectDefinition.FromAttribute(new CosemAttributeDescriptor(3, new ObisCode(1, 0, 1, 8, 0, 255), 2), 1);

        Assert.Equal(new CaptureObjectDefinition(3, new ObisCode(1, 0, 1, 8, 0, 255), 2, 1), column);
    }

    // Hex of the data, offset of the offending element in it, words the message must contain.
    public static TheoryData<string, int, string> WrongShapes => new()
    {
        { "0203" + "120008" + "09060000010000FF" + "0F02", 0, "structure of 4" },
        { "0104" + "120008" + "09060000010000FF" + "0F02" + "120000", 0, "structure of 4" },
        { "120000", 0, "structure of 4" },
        { "0204" + "1108" + "09060000010000FF" + "0F02" + "120000", 2, "class_id" },
        { "0204" + "120008" + "09050000010000" + "0F02" + "120000", 5, "logical_name" },
        { "0204" + "120008" + "0A060000010000FF" + "0F02" + "120000", 5, "logical_name" },
        { "0204" + "120008" + "09060000010000FF" + "1102" + "120000", 13, "attribute_index" },
        { "0204" + "120008" + "09060000010000FF" + "0F02" + "0600000000", 15, "data_index" },
    };

    [Theory]
    [MemberData(nameof(WrongShapes))]
    public void FromData_WrongShape_ThrowsWithOffsetOfOffendingElement(string hex, int offset, string words)
    {
        var data = CosemDataCodec.Decode(Convert.FromHexString(hex));

        var error = Assert.Throws<DlmsFormatException>(() => CaptureObjectDefinition.FromData(data));

        Assert.Equal(DlmsErrorReason.Malformed, error.Reason);
        Assert.Equal(offset, error.Offset);
        Assert.Contains(words, error.Detail, StringComparison.Ordinal);
        Assert.False(CaptureObjectDefinition.TryFromData(data, out _));
    }

    [Fact]
    public void TryFromData_Null_ReturnsFalse()
    {
        Assert.False(CaptureObjectDefinition.TryFromData(null, out _));
    }
}
