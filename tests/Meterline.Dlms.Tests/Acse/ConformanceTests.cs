using Meterline.Dlms.Acse;
using Meterline.Dlms.Axdr;

namespace Meterline.Dlms.Tests.Acse;

public class ConformanceTests
{
    // Green Book xDLMS conformance block: named bit n is bit (7 - n % 8) of content octet n / 8 + 1.
    [Theory]
    [InlineData(0, Conformance.ReservedZero)]
    [InlineData(1, Conformance.GeneralProtection)]
    [InlineData(2, Conformance.GeneralBlockTransfer)]
    [InlineData(3, Conformance.Read)]
    [InlineData(4, Conformance.Write)]
    [InlineData(5, Conformance.UnconfirmedWrite)]
    [InlineData(6, Conformance.DeltaValueEncoding)]
    [InlineData(7, Conformance.ReservedSeven)]
    [InlineData(8, Conformance.Attribute0SupportedWithSet)]
    [InlineData(9, Conformance.PriorityMgmtSupported)]
    [InlineData(10, Conformance.Attribute0SupportedWithGet)]
    [InlineData(11, Conformance.BlockTransferWithGetOrRead)]
    [InlineData(12, Conformance.BlockTransferWithSetOrWrite)]
    [InlineData(13, Conformance.BlockTransferWithAction)]
    [InlineData(14, Conformance.MultipleReferences)]
    [InlineData(15, Conformance.InformationReport)]
    [InlineData(16, Conformance.DataNotification)]
    [InlineData(17, Conformance.Access)]
    [InlineData(18, Conformance.ParameterizedAccess)]
    [InlineData(19, Conformance.Get)]
    [InlineData(20, Conformance.Set)]
    [InlineData(21, Conformance.SelectiveAccess)]
    [InlineData(22, Conformance.EventNotification)]
    [InlineData(23, Conformance.Action)]
    public void ConformanceBlock_NamedBit_IsBerBitN(int bit, Conformance flag)
    {
        var content = new byte[3];
        content[bit / 8] = (byte)(0x80 >> (bit % 8));
        var encoded = Convert.FromHexString("5F1F0400" + Convert.ToHexString(content));

        var reader = new AxdrReader(encoded);
        Assert.Equal(flag, ConformanceBlock.Read(ref reader));
        Assert.True(reader.IsAtEnd);
        Assert.Equal(encoded, Encode(flag));
    }

    [Fact]
    public void ConformanceBlock_InitiateRequestVector_DecodesLnServices()
    {
        // V4 (u9n tests/test_xdlms/test_initiate.py): 5F 1F 04 00 00 7E 1F.
        var reader = new AxdrReader(Convert.FromHexString("5F1F0400007E1F"));
        var expected = Conformance.PriorityMgmtSupported | Conformance.Attribute0SupportedWithGet |
            Conformance.BlockTransferWithGetOrRead | Conformance.BlockTransferWithSetOrWrite |
            Conformance.BlockTransferWithAction | Conformance.MultipleReferences | Conformance.Get | Conformance.Set |
            Conformance.SelectiveAccess | Conformance.EventNotification | Conformance.Action;

        Assert.Equal(expected, ConformanceBlock.Read(ref reader));
        Assert.Equal(0x007E1Fu, (uint)expected);
    }

    [Theory]
    [InlineData("5E1F0400007E1F", DlmsErrorReason.UnknownTag, 0)] // [APPLICATION 30]
    [InlineData("7F1F0400007E1F", DlmsErrorReason.Malformed, 0)] // constructed form
    [InlineData("5F1F03007E1F", DlmsErrorReason.Malformed, 0)] // 16 bits
    [InlineData("5F1F050000007E1F", DlmsErrorReason.Malformed, 0)] // 32 bits
    [InlineData("5F1F0401007E1E", DlmsErrorReason.Malformed, 3)] // unused bits
    [InlineData("5F1F0400007E", DlmsErrorReason.LengthOutOfRange, 2)]
    [InlineData("5F1F80", DlmsErrorReason.Unsupported, 2)]
    [InlineData("5F", DlmsErrorReason.Truncated, 1)]
    public void ConformanceBlock_Malformed_ThrowsWithOffset(string hex, DlmsErrorReason reason, int offset)
    {
        var bytes = Convert.FromHexString(hex);
        var e = Assert.Throws<DlmsFormatException>(() =>
        {
            var reader = new AxdrReader(bytes);
            ConformanceBlock.Read(ref reader);
        });
        Assert.Equal(reason, e.Reason);
        Assert.Equal(offset, e.Offset);
    }

    [Fact]
    public void ConformanceBlock_ValueAbove24Bits_IsRefusedOnEncode()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Encode((Conformance)0x0100_0000));
    }

    private static byte[] Encode(Conformance conformance)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        ConformanceBlock.Write(new AxdrWriter(buffer), conformance);
        return buffer.WrittenSpan.ToArray();
    }
}
