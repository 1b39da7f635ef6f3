using Meterline.Dlms.Axdr;
using Meterline.Dlms.Cosem;

namespace Meterline.Dlms.Tests.Cosem;

/// <summary>Malformed A-XDR data: every case ends in a DlmsFormatException carrying an offset, nothing else.</summary>
public class CosemDataMalformedTests
{
    private const string Profile =
        // array of 2 structures {date-time as octet-string, long-unsigned, double-long-unsigned, compact array}
        "0102" +
        "0204" + "090C07EA0B17010F000000FEB600" + "1200E6" + "0600001234" + "1302021211" + "06000102000304" +
        "0204" + "090C07EA0B17010F0F0000FEB600" + "1200E7" + "0600001240" + "1302021211" + "06000502000604";

    public static TheoryData<string, DlmsErrorReason, int> Cases => new()
    {
        { "", DlmsErrorReason.Truncated, 0 },
        { "12", DlmsErrorReason.Truncated, 1 },
        { "0905AABB", DlmsErrorReason.LengthOutOfRange, 1 },
        // Lengths claiming up to 2^32 - 1 bytes with almost nothing behind them.
        { "0984FFFFFFFF00", DlmsErrorReason.LengthOutOfRange, 1 },
        { "09847FFFFFFF00", DlmsErrorReason.LengthOutOfRange, 1 },
        { "098400010000", DlmsErrorReason.LengthOutOfRange, 1 },
        { "0985FFFFFFFFFF", DlmsErrorReason.LengthOutOfRange, 1 },
        { "0980", DlmsErrorReason.LengthOutOfRange, 1 },
        { "0184FFFFFFFF00", DlmsErrorReason.LengthOutOfRange, 1 },
        { "0284FFFFFFFF", DlmsErrorReason.LengthOutOfRange, 1 },
        { "0484FFFFFFFF00", DlmsErrorReason.LengthOutOfRange, 1 },
        { "0A04414243", DlmsErrorReason.LengthOutOfRange, 1 },
        { "0C02C328", DlmsErrorReason.Malformed, 1 },
        { "1907EA0B17", DlmsErrorReason.Truncated, 1 },
        { "1204B0FF", DlmsErrorReason.Malformed, 3 },
        // Unknown tags.
        { "07", DlmsErrorReason.UnknownTag, 0 },
        { "08", DlmsErrorReason.UnknownTag, 0 },
        { "0B", DlmsErrorReason.UnknownTag, 0 },
        { "0E", DlmsErrorReason.UnknownTag, 0 },
        { "1C", DlmsErrorReason.UnknownTag, 0 },
        { "80", DlmsErrorReason.UnknownTag, 0 },
        { "010207", DlmsErrorReason.LengthOutOfRange, 1 },
        { "01020003", DlmsErrorReason.Truncated, 4 },
        // Compact arrays whose contents disagree with their type description.
        { "131203000102", DlmsErrorReason.Malformed, 5 },
        { "1312010001", DlmsErrorReason.Malformed, 3 },
        { "13020212110400010200", DlmsErrorReason.Malformed, 9 },
        { "13000100", DlmsErrorReason.UnknownTag, 1 },
        { "13FF0100", DlmsErrorReason.UnknownTag, 1 },
        { "13130100", DlmsErrorReason.UnknownTag, 1 },
        { "130200 0100".Replace(" ", string.Empty, StringComparison.Ordinal), DlmsErrorReason.Malformed, 1 },
        { "1301000012 00".Replace(" ", string.Empty, StringComparison.Ordinal), DlmsErrorReason.Malformed, 1 },
        { "1301FFFF120400010002", DlmsErrorReason.Malformed, 6 },
        { "1309840000FFFF41", DlmsErrorReason.LengthOutOfRange, 2 },
        { "130984FFFFFFFF", DlmsErrorReason.LengthOutOfRange, 2 },
        { "1302841000000012", DlmsErrorReason.LengthOutOfRange, 2 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Decode_MalformedInput_ThrowsWithOffset(string hex, DlmsErrorReason reason, int offset)
    {
        var bytes = Convert.FromHexString(hex);
        var e = Assert.Throws<DlmsFormatException>(() => CosemDataCodec.Decode(bytes));
        Assert.Equal(reason, e.Reason);
        Assert.Equal(offset, e.Offset);
    }

    [Fact]
    public void Decode_ProfileTruncatedAtEveryOffset_ThrowsWithOffsetInsideInput()
    {
        var bytes = Convert.FromHexString(Profile);
        Assert.NotNull(CosemDataCodec.Decode(bytes));
        for (var length = 0; length < bytes.Length; length++)
        {
            var e = Assert.Throws<DlmsFormatException>(() => CosemDataCodec.Decode(bytes.AsSpan(0, length)));
            Assert.InRange(e.Offset, 0, length);
        }
    }

    [Theory]
    [InlineData("0201", 100_000)]
    [InlineData("0101", 100_000)]
    [InlineData("1302", 1_000)]
    public void Decode_NestedHundredThousandDeep_ThrowsNestingTooDeep(string level, int depth)
    {
        var bytes = Convert.FromHexString(string.Concat(Enumerable.Repeat(level, depth)) + "00");
        var e = Assert.Throws<DlmsFormatException>(() => CosemDataCodec.Decode(bytes));
        Assert.Equal(DlmsErrorReason.NestingTooDeep, e.Reason);
        Assert.InRange(e.Offset, 0, bytes.Length);
    }

    [Fact]
    public void Decode_NestingAtTheLimit_IsAccepted()
    {
        var bytes = Convert.FromHexString(string.Concat(Enumerable.Repeat("0201", AxdrReader.DefaultMaxDepth)) + "00");
        Assert.IsType<CosemData.Structure>(CosemDataCodec.Decode(bytes));
        var deeper = Convert.FromHexString("0201" + Convert.ToHexString(bytes));
        Assert.Equal(DlmsErrorReason.NestingTooDeep, Assert.Throws<DlmsFormatException>(() => CosemDataCodec.Decode(deeper)).Reason);
    }

    [Theory]
    [InlineData("0984FFFFFFF0")]
    [InlineData("0183FFFFFF00000000")]
    [InlineData("1301FFFF0104000000")]
    [InlineData("130984000FFFFF")]
    public void Decode_LyingLength_AllocatesNoMoreThanTheInputJustifies(string hex)
    {
        var bytes = Convert.FromHexString(hex);
        Assert.Throws<DlmsFormatException>(() => CosemDataCodec.Decode(bytes));
        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<DlmsFormatException>(() => CosemDataCodec.Decode(bytes));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        // Only the exception, its message and small builders: far below what the claimed lengths would need.
        Assert.InRange(allocated, 0, 16_384);
    }

    [Fact]
    public void Decode_ArrayOfManyNulls_AllocatesInProportionToTheInput()
    {
        // 60,000 one-byte elements: memory may grow with the input, never with a count the input does not back.
        var bytes = new byte[4 + 60_000];
        bytes[0] = 0x01;
        bytes[1] = 0x82;
        bytes[2] = 0xEA;
        bytes[3] = 0x60;
        var before = GC.GetAllocatedBytesForCurrentThread();
        var value = Assert.IsType<CosemData.Array>(CosemDataCodec.Decode(bytes));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(60_000, value.Items.Length);
        Assert.InRange(allocated, 0, bytes.Length * 9L);
    }
}
