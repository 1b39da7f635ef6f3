using Meterline.Dlms.Acse;

namespace Meterline.Dlms.Tests.Acse;

public class BerReaderTests
{
    // Definite lengths, X.690 §8.1.3: short form below 128, else 0x80 | n and n octets (non-minimal forms are BER).
    [Theory]
    [InlineData("00", 0)]
    [InlineData("7F", 127)]
    [InlineData("8180", 128)]
    [InlineData("8105", 5)]
    [InlineData("820100", 256)]
    [InlineData("8400000003", 3)]
    public void ReadLength_DefiniteForms_ReturnLength(string hex, int expected)
    {
        var bytes = Convert.FromHexString(hex + new string('0', expected * 2));
        var reader = new BerReader(bytes);

        Assert.Equal(expected, reader.ReadLength());
        Assert.Equal(hex.Length / 2, reader.Position);
    }

    [Theory]
    [InlineData("", DlmsErrorReason.Truncated, 0)]
    [InlineData("80", DlmsErrorReason.Unsupported, 0)] // indefinite
    [InlineData("FF", DlmsErrorReason.Malformed, 0)] // reserved, §8.1.3.5 c
    [InlineData("85FFFFFFFFFF", DlmsErrorReason.LengthOutOfRange, 0)] // five length octets
    [InlineData("84FFFFFFFF", DlmsErrorReason.LengthOutOfRange, 0)] // 2^32 - 1
    [InlineData("8480000000", DlmsErrorReason.LengthOutOfRange, 0)] // 2^31
    [InlineData("847FFFFFFF", DlmsErrorReason.LengthOutOfRange, 0)] // int.MaxValue, not present
    [InlineData("8401", DlmsErrorReason.Truncated, 0)] // length octets missing
    [InlineData("0500000000", DlmsErrorReason.LengthOutOfRange, 0)] // one byte short
    public void ReadLength_InvalidOrUnbacked_ThrowsWithOffset(string hex, DlmsErrorReason reason, int offset)
    {
        var bytes = Convert.FromHexString(hex);
        var e = Assert.Throws<DlmsFormatException>(() => new BerReader(bytes, baseOffset: 0).ReadLength());
        Assert.Equal(reason, e.Reason);
        Assert.Equal(offset, e.Offset);
    }

    [Fact]
    public void Error_BaseOffset_IsAddedToEveryOffset()
    {
        var e = Assert.Throws<DlmsFormatException>(() => new BerReader([0x04, 0x80], baseOffset: 100).ReadPrimitive(BerTag.OctetString));
        Assert.Equal(DlmsErrorReason.Unsupported, e.Reason);
        Assert.Equal(101, e.Offset);
    }

    [Fact]
    public void ReadPrimitive_ExpectedTag_ReturnsContent()
    {
        var reader = new BerReader(Convert.FromHexString("0403AABBCC05"));

        Assert.Equal("AABBCC", Convert.ToHexString(reader.ReadPrimitive(BerTag.OctetString)));
        Assert.Equal(5, reader.Position);
    }

    [Fact]
    public void ReadPrimitive_OtherTag_ThrowsUnknownTag()
    {
        var e = Assert.Throws<DlmsFormatException>(() => new BerReader([0x02, 0x01, 0x00]).ReadPrimitive(BerTag.OctetString));
        Assert.Equal(DlmsErrorReason.UnknownTag, e.Reason);
        Assert.Equal(0, e.Offset);
    }

    [Fact]
    public void ReadPrimitive_ConstructedForm_ThrowsMalformed()
    {
        // A constructed OCTET STRING (0x24) is BER but DLMS never uses it.
        var e = Assert.Throws<DlmsFormatException>(() => new BerReader([0x24, 0x00]).ReadPrimitive(BerTag.OctetString));
        Assert.Equal(DlmsErrorReason.Malformed, e.Reason);
        Assert.Equal(0, e.Offset);
    }

    [Fact]
    public void ReadConstructed_ReturnsReaderOverContentWithItsOffsets()
    {
        var reader = new BerReader(Convert.FromHexString("A1090607608574050801010500"));
        var content = reader.ReadConstructed(BerTag.ContextSpecific(1, isConstructed: true));

        Assert.Equal(11, reader.Position);
        Assert.Equal(1, content.Depth);
        Assert.Equal(2, content.Offset);
        Assert.Equal("60857405080101", Convert.ToHexString(content.ReadPrimitive(BerTag.ObjectIdentifier)));
        Assert.True(content.IsAtEnd);
    }

    [Theory]
    [InlineData("020100", 0)]
    [InlineData("02017F", 127)]
    [InlineData("02020080", 128)]
    [InlineData("020180", -128)]
    [InlineData("0201FF", -1)]
    [InlineData("0202FF7F", -129)]
    [InlineData("02047FFFFFFF", int.MaxValue)]
    [InlineData("020480000000", int.MinValue)]
    public void ReadInteger_MinimalTwosComplement_ReturnsValue(string hex, int expected)
    {
        var reader = new BerReader(Convert.FromHexString(hex));
        Assert.Equal(expected, reader.ReadInteger(BerTag.Integer));
    }

    [Theory]
    [InlineData("0200", DlmsErrorReason.Malformed)]
    [InlineData("0202007F", DlmsErrorReason.Malformed)]
    [InlineData("0202FF80", DlmsErrorReason.Malformed)]
    [InlineData("02050100000000", DlmsErrorReason.Unsupported)]
    public void ReadInteger_EmptyNonMinimalOrWide_Throws(string hex, DlmsErrorReason reason)
    {
        var e = Assert.Throws<DlmsFormatException>(() => new BerReader(Convert.FromHexString(hex)).ReadInteger(BerTag.Integer));
        Assert.Equal(reason, e.Reason);
        Assert.Equal(2, e.Offset);
    }

    [Fact]
    public void SkipElement_NestedWellFormed_ConsumesWholeElement()
    {
        var reader = new BerReader(Convert.FromHexString("AD08A0060402AABB0500" + "05"));
        reader.SkipElement();
        Assert.Equal(10, reader.Position);
    }

    [Fact]
    public void SkipElement_NestedLengthLie_ThrowsAtInnerLength()
    {
        // The inner OCTET STRING claims 5 octets but its enclosing element holds only 2.
        var e = Assert.Throws<DlmsFormatException>(() => new BerReader(Convert.FromHexString("AD04A00204050000")).SkipElement());
        Assert.Equal(DlmsErrorReason.LengthOutOfRange, e.Reason);
        Assert.Equal(5, e.Offset);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(16)]
    public void SkipElement_NestingBeyondLimit_ThrowsNestingTooDeep(int maxDepth)
    {
        // maxDepth nested elements are accepted, one more is not; the offending identifier is reported.
        var accepted = Nested(maxDepth);
        var reader = new BerReader(accepted, maxDepth: maxDepth);
        reader.SkipElement();
        Assert.True(reader.IsAtEnd);

        var rejected = Nested(maxDepth + 1);
        var e = Assert.Throws<DlmsFormatException>(() => new BerReader(rejected, maxDepth: maxDepth).SkipElement());
        Assert.Equal(DlmsErrorReason.NestingTooDeep, e.Reason);
        Assert.Equal(2 * maxDepth, e.Offset);
    }

    [Fact]
    public void SkipElement_ThousandsOfLevels_ThrowsWithoutStackOverflow()
    {
        // 0x30 0x84 <len> per level: lengths are consistent, so only the depth limit stops it.
        const int levels = 20_000;
        var bytes = new byte[levels * 6];
        for (var i = 0; i < levels; i++)
        {
            var remaining = bytes.Length - ((i + 1) * 6);
            bytes[i * 6] = 0x30;
            bytes[(i * 6) + 1] = 0x84;
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan((i * 6) + 2), remaining);
        }

        var e = Assert.Throws<DlmsFormatException>(() => new BerReader(bytes).SkipElement());
        Assert.Equal(DlmsErrorReason.NestingTooDeep, e.Reason);
        Assert.Equal(BerReader.DefaultMaxDepth * 6, e.Offset);
    }

    [Fact]
    public void EnsureAtEnd_TrailingBytes_ThrowsMalformed()
    {
        var e = Assert.Throws<DlmsFormatException>(() =>
        {
            var reader = new BerReader(Convert.FromHexString("050000"));
            reader.SkipElement();
            reader.EnsureAtEnd();
        });
        Assert.Equal(DlmsErrorReason.Malformed, e.Reason);
        Assert.Equal(2, e.Offset);
    }

    /// <summary>SEQUENCE within SEQUENCE, <paramref name="levels"/> deep, around a NULL.</summary>
    private static byte[] Nested(int levels)
    {
        byte[] inner = [0x05, 0x00];
        for (var i = 0; i < levels; i++)
        {
            inner = [0x30, (byte)inner.Length, .. inner];
        }

        return inner;
    }
}
