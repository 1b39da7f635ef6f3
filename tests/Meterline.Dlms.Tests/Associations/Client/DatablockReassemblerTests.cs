using Meterline.Dlms.Apdus;
using Meterline.Dlms.Associations;
using Meterline.Dlms.Cosem;

namespace Meterline.Dlms.Tests.Associations.Client;

public class DatablockReassemblerTests
{
    private static readonly CosemData Value = new CosemData.Array(Enumerable.Range(0, 50).Select(i => (CosemData)new CosemData.DoubleLongUnsigned((uint)i)).ToArray());

    [Fact]
    public void Append_BlocksInSequence_GivesTheValue()
    {
        var encoded = CosemDataCodec.Encode(Value);
        var reassembler = new DatablockReassembler();
        var chunks = encoded.Chunk(40).ToArray();
        GetDataResult? result = null;
        for (var i = 0; i < chunks.Length; i++)
        {
            Assert.Null(result);
            result = reassembler.Append(new DataBlockG(i == chunks.Length - 1, (uint)(i + 1), chunks[i]));
            Assert.Equal((uint)(i + 1), reassembler.LastBlockNumber);
        }

        Assert.Equal(Value, result!.Data);
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(2u)]
    public void Append_BlockOutOfSequence_Throws(uint number)
    {
        var reassembler = new DatablockReassembler();
        Assert.Throws<DlmsProtocolException>(() => reassembler.Append(new DataBlockG(false, number, new byte[] { 1 })));
    }

    [Fact]
    public void Append_BeyondTheBlockLimit_Throws()
    {
        var reassembler = new DatablockReassembler(new BlockTransferLimits(MaxBlocks: 3, MaxTotalBytes: 1000));
        for (uint i = 1; i <= 3; i++)
        {
            Assert.Null(reassembler.Append(new DataBlockG(false, i, new byte[] { 0 })));
        }

        Assert.Equal(DlmsErrorReason.LengthOutOfRange, Assert.Throws<DlmsProtocolException>(() => reassembler.Append(new DataBlockG(false, 4, new byte[] { 0 }))).Reason);
    }

    [Fact]
    public void Append_BeyondTheSizeLimit_Throws()
    {
        var reassembler = new DatablockReassembler(new BlockTransferLimits(MaxBlocks: 100, MaxTotalBytes: 100));
        Assert.Null(reassembler.Append(new DataBlockG(false, 1, new byte[60])));
        Assert.Throws<DlmsProtocolException>(() => reassembler.Append(new DataBlockG(false, 2, new byte[60])));
    }

    [Fact]
    public void Append_DataAccessResultBlock_EndsWithThatResult()
    {
        var reassembler = new DatablockReassembler();
        Assert.Null(reassembler.Append(new DataBlockG(false, 1, new byte[] { 0x01, 0x02 })));
        var result = reassembler.Append(new DataBlockG(true, 2, DataAccessResult.LongGetAborted));
        Assert.Equal(DataAccessResult.LongGetAborted, result!.Result);
    }

    [Fact]
    public void Append_ReassembledBytesNotValidData_ThrowsFormatException()
    {
        var reassembler = new DatablockReassembler();
        Assert.Throws<DlmsFormatException>(() => reassembler.Append(new DataBlockG(true, 1, new byte[] { 0x01, 0x05, 0x11 })));
    }
}
