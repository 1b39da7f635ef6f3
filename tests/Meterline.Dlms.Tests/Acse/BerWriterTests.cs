using System.Buffers;
using Meterline.Dlms.Acse;

namespace Meterline.Dlms.Tests.Acse;

public class BerWriterTests
{
    // Shortest definite form, X.690 §8.1.3 and §10.1 (DER).
    [Theory]
    [InlineData(0, "00")]
    [InlineData(127, "7F")]
    [InlineData(128, "8180")]
    [InlineData(255, "81FF")]
    [InlineData(256, "820100")]
    [InlineData(65_536, "83010000")]
    [InlineData(16_777_216, "8401000000")]
    [InlineData(int.MaxValue, "847FFFFFFF")]
    public void WriteLength_Value_WritesShortestForm(int length, string expected)
    {
        var buffer = new ArrayBufferWriter<byte>();
        new BerWriter(buffer).WriteLength(length);

        Assert.Equal(expected, Convert.ToHexString(buffer.WrittenSpan));
        Assert.Equal(expected.Length / 2, BerWriter.GetLengthSize(length));
    }

    [Theory]
    [InlineData(0, "020100")]
    [InlineData(127, "02017F")]
    [InlineData(128, "02020080")]
    [InlineData(256, "02020100")]
    [InlineData(-1, "0201FF")]
    [InlineData(-128, "020180")]
    [InlineData(-129, "0202FF7F")]
    [InlineData(int.MaxValue, "02047FFFFFFF")]
    [InlineData(int.MinValue, "020480000000")]
    public void WriteInteger_Value_WritesMinimalTwosComplement(int value, string expected)
    {
        var buffer = new ArrayBufferWriter<byte>();
        new BerWriter(buffer).WriteInteger(BerTag.Integer, value);

        Assert.Equal(expected, Convert.ToHexString(buffer.WrittenSpan));
        Assert.Equal(value, new BerReader(buffer.WrittenSpan).ReadInteger(BerTag.Integer));
    }

    [Fact]
    public void WriteConstructed_AroundPrimitive_GivesExplicitTagging()
    {
        var inner = new ArrayBufferWriter<byte>();
        new BerWriter(inner).WritePrimitive(BerTag.OctetString, Convert.FromHexString("4D4D4D0000BC614E"));
        var buffer = new ArrayBufferWriter<byte>();
        new BerWriter(buffer).WriteConstructed(BerTag.ContextSpecific(6, isConstructed: true), inner.WrittenSpan);

        // calling-AP-title [6] as in V8.
        Assert.Equal("A60A04084D4D4D0000BC614E", Convert.ToHexString(buffer.WrittenSpan));
        Assert.Equal(12, BerWriter.GetEncodedLength(BerTag.ContextSpecific(6, true), 10));
    }

    [Fact]
    public void WritePrimitive_LongContent_UsesLongFormLength()
    {
        var buffer = new ArrayBufferWriter<byte>();
        new BerWriter(buffer).WritePrimitive(BerTag.Application(31), new byte[300]);

        Assert.Equal("5F1F82012C", Convert.ToHexString(buffer.WrittenSpan[..5]));
        Assert.Equal(305, buffer.WrittenCount);
    }

    [Fact]
    public void WritePrimitive_ConstructedTag_Throws()
    {
        Assert.Throws<ArgumentException>(() => new BerWriter(new ArrayBufferWriter<byte>()).WritePrimitive(BerTag.Application(0, true), []));
        Assert.Throws<ArgumentException>(() => new BerWriter(new ArrayBufferWriter<byte>()).WriteConstructed(BerTag.OctetString, []));
    }
}
