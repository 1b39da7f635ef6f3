using System.Buffers;
using Meterline.Dlms.Acse;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Associations;
using Meterline.Dlms.Axdr;
using Meterline.Dlms.Cosem;
using Meterline.Dlms.Security;
using ServiceError = Meterline.Dlms.Apdus.ServiceError;

namespace Meterline.Dlms.Tests.Associations.Server;

public class ServerAssociationBlockTransferTests
{
    private static readonly InvokeIdAndPriority Invoke = new(0xC7);

    [Theory]
    [InlineData(64)]
    [InlineData(200)]
    public void Receive_LargeAttributeToSmallPdu_SendsNumberedBlocksThatEachFit(ushort maxPdu)
    {
        using var session = ServerAssociationDataServiceTests.Plain(ServerAssociationDataServiceTests.PlainReader, maxPdu: maxPdu);

        var data = ReadInBlocks(session, new GetRequestNormal(Invoke, TestCosemServer.LoadProfile), maxPdu, securityControl: null);

        Assert.Equal(CosemDataCodec.Encode(TestCosemServer.LoadProfileValue), data);
        Assert.Single(session.Server.Calls);
    }

    [Fact]
    public void Receive_ResponseOfExactlyTheClientPduSize_IsSentWhole()
    {
        var whole = new GetResponseNormal(Invoke, new GetDataResult(TestCosemServer.Profile().Value(TestCosemServer.Clock))).ToArray().Length;
        using var fits = ServerAssociationDataServiceTests.Plain(ServerAssociationDataServiceTests.PlainReader, maxPdu: (ushort)whole);
        using var tooLong = ServerAssociationDataServiceTests.Plain(ServerAssociationDataServiceTests.PlainReader, maxPdu: (ushort)(whole - 1));

        var response = fits.Receive(new GetRequestNormal(Invoke, TestCosemServer.Clock).ToArray());
        var blocks = ReadInBlocks(tooLong, new GetRequestNormal(Invoke, TestCosemServer.Clock), whole - 1, securityControl: null);

        Assert.Equal(whole, response.Length);
        Assert.IsType<GetResponseNormal>(ApduCodec.Decode(response));
        Assert.Equal(CosemDataCodec.Encode(fits.Server.Value(TestCosemServer.Clock)), blocks);
    }

    [Fact]
    public void Receive_LargeAttributeCiphered_SendsBlocksThatFitOnceCiphered()
    {
        using var session = new ServerSession(ServerAssociationProtectionTests.CipheredReader, ServerSession.Keys());
        session.Associate(session.CipheredAarq(ServerSession.Initiate(maxPdu: 100)));

        var data = ReadInBlocks(session, new GetRequestNormal(Invoke, TestCosemServer.LoadProfile), 100, ServerSession.AuthenticatedEncryption);

        Assert.Equal(CosemDataCodec.Encode(TestCosemServer.LoadProfileValue), data);
    }

    [Fact]
    public void Receive_LargeGetWithList_SendsTheEncodedResultListInBlocks()
    {
        using var session = ServerAssociationDataServiceTests.Plain(ServerAssociationDataServiceTests.PlainReader, maxPdu: 128);
        var request = new GetRequestWithList(Invoke, [new(TestCosemServer.Clock), new(TestCosemServer.LoadProfile)]);

        var data = ReadInBlocks(session, request, 128, securityControl: null);

        var reader = new AxdrReader(data);
        Assert.Equal(2, reader.ReadCount());
        Assert.Equal(session.Server.Value(TestCosemServer.Clock), GetDataResult.Read(ref reader).Data);
        Assert.Equal(TestCosemServer.LoadProfileValue, GetDataResult.Read(ref reader).Data);
        reader.EnsureAtEnd();
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(2u)]
    [InlineData(uint.MaxValue)]
    public void Receive_GetNextWithWrongBlockNumber_AbortsWithDataBlockNumberInvalid(uint blockNumber)
    {
        using var session = ServerAssociationDataServiceTests.Plain(ServerAssociationDataServiceTests.PlainReader, maxPdu: 64);
        var first = Assert.IsType<GetResponseWithDatablock>(session.Exchange(new GetRequestNormal(Invoke, TestCosemServer.LoadProfile)));
        Assert.Equal(1u, first.Result.BlockNumber);

        var refused = Assert.IsType<GetResponseWithDatablock>(session.Exchange(new GetRequestNext(Invoke, blockNumber)));
        var after = Assert.IsType<GetResponseWithDatablock>(session.Exchange(new GetRequestNext(Invoke, 1)));

        Assert.True(refused.Result.LastBlock);
        Assert.Equal(DataAccessResult.DataBlockNumberInvalid, refused.Result.Result);
        Assert.Null(refused.Result.RawData);
        Assert.Equal(blockNumber, refused.Result.BlockNumber);
        Assert.Equal(DataAccessResult.NoLongGetInProgress, after.Result.Result);
    }

    [Fact]
    public void Receive_GetNextWithoutLongGet_AnswersNoLongGetInProgress()
    {
        using var session = ServerAssociationDataServiceTests.Plain(ServerAssociationDataServiceTests.PlainReader);

        var response = Assert.IsType<GetResponseWithDatablock>(session.Exchange(new GetRequestNext(Invoke, 1)));

        Assert.True(response.Result.LastBlock);
        Assert.Equal(DataAccessResult.NoLongGetInProgress, response.Result.Result);
    }

    [Fact]
    public void Receive_NewGetDuringLongGet_AbortsTheLongGet()
    {
        using var session = ServerAssociationDataServiceTests.Plain(ServerAssociationDataServiceTests.PlainReader, maxPdu: 64);
        session.Exchange(new GetRequestNormal(Invoke, TestCosemServer.LoadProfile));

        var clock = Assert.IsType<GetResponseNormal>(session.Exchange(new GetRequestNormal(Invoke, TestCosemServer.Clock)));
        var next = Assert.IsType<GetResponseWithDatablock>(session.Exchange(new GetRequestNext(Invoke, 1)));

        Assert.NotNull(clock.Result.Data);
        Assert.Equal(DataAccessResult.NoLongGetInProgress, next.Result.Result);
    }

    [Fact]
    public void Receive_LargeAttributeWithoutBlockTransfer_AnswersPduTooLong()
    {
        using var session = ServerAssociationDataServiceTests.Plain(
            ServerAssociationDataServiceTests.PlainReader, ServerSession.AllServices & ~Conformance.BlockTransferWithGetOrRead, maxPdu: 256);

        var response = session.Association.Receive(new GetRequestNormal(Invoke, TestCosemServer.LoadProfile).ToArray());

        ServerSession.AssertException(response, StateError.ServiceNotAllowed, ServiceError.PduTooLong);
    }

    [Fact]
    public void Receive_GetNextWeakerThanTheLongGetRequired_AbortsWithReadWriteDenied()
    {
        // The reader reads the serial number only ciphered; make it long, start ciphered, continue in plaintext.
        using var session = new ServerSession(ServerAssociationProtectionTests.CipheredReader, ServerSession.Keys());
        session.Associate(session.CipheredAarq(ServerSession.Initiate(maxPdu: 64)));
        session.Server.Attribute(
            TestCosemServer.SerialNumber,
            new CosemData.OctetString(new byte[300]),
            (TestCosemServer.ReaderSap, AttributeAccess.Read | AttributeAccess.AuthenticatedRequest | AttributeAccess.EncryptedRequest));
        var first = Assert.IsType<GetResponseWithDatablock>(session.Exchange(new GetRequestNormal(Invoke, TestCosemServer.SerialNumber), ServerSession.AuthenticatedEncryption));

        var plain = Assert.IsType<GetResponseWithDatablock>(session.Exchange(new GetRequestNext(Invoke, first.Result.BlockNumber)));

        Assert.Equal(DataAccessResult.ReadWriteDenied, plain.Result.Result);
        Assert.True(plain.Result.LastBlock);
    }

    [Fact]
    public void Receive_SetWithDatablocksWithinLimits_AcknowledgesEachBlockAndWrites()
    {
        using var session = ServerAssociationDataServiceTests.Plain(ServerAssociationDataServiceTests.PlainUtility);
        var value = new CosemData.OctetString(Enumerable.Range(0, 600).Select(i => (byte)i).ToArray());
        var blocks = Split(CosemDataCodec.Encode(value), 250);

        var first = Assert.IsType<SetResponseDatablock>(session.Exchange(new SetRequestWithFirstDatablock(Invoke, TestCosemServer.Tariff, null, blocks[0])));
        var second = Assert.IsType<SetResponseDatablock>(session.Exchange(new SetRequestWithDatablock(Invoke, blocks[1])));
        var last = Assert.IsType<SetResponseLastDatablock>(session.Exchange(new SetRequestWithDatablock(Invoke, blocks[2])));

        Assert.Equal(1u, first.BlockNumber);
        Assert.Equal(2u, second.BlockNumber);
        Assert.Equal(3u, last.BlockNumber);
        Assert.Equal(DataAccessResult.Success, last.Result);
        Assert.Equal(Invoke, last.InvokeIdAndPriority);
        Assert.Equal(value, session.Server.Value(TestCosemServer.Tariff));
        Assert.Single(session.Server.Calls);
    }

    [Fact]
    public void Receive_SetWithSingleLastDatablock_Writes()
    {
        using var session = ServerAssociationDataServiceTests.Plain(ServerAssociationDataServiceTests.PlainUtility);
        var value = new CosemData.OctetString(new byte[] { 1, 2 });

        var response = Assert.IsType<SetResponseLastDatablock>(session.Exchange(
            new SetRequestWithFirstDatablock(Invoke, TestCosemServer.Tariff, null, new DataBlockSA(true, 1, CosemDataCodec.Encode(value)))));

        Assert.Equal(DataAccessResult.Success, response.Result);
        Assert.Equal(value, session.Server.Value(TestCosemServer.Tariff));
    }

    [Theory]
    [InlineData(200, 10_000)] // more bytes than allowed at the third block
    [InlineData(1_000_000, 2)] // more blocks than allowed at the third block
    public void Receive_SetWithDatablocksBeyondLimits_AbortsWithLongSetAborted(int maxBytes, int maxBlocks)
    {
        using var session = ServerAssociationDataServiceTests.Plain(ServerAssociationDataServiceTests.PlainUtility, limits: new BlockTransferLimits(maxBlocks, maxBytes));
        var blocks = Split(CosemDataCodec.Encode(new CosemData.OctetString(new byte[300])), 70);

        session.Exchange(new SetRequestWithFirstDatablock(Invoke, TestCosemServer.Tariff, null, blocks[0]));
        session.Exchange(new SetRequestWithDatablock(Invoke, blocks[1]));
        var aborted = Assert.IsType<SetResponseLastDatablock>(session.Exchange(new SetRequestWithDatablock(Invoke, blocks[2])));
        var after = Assert.IsType<SetResponseLastDatablock>(session.Exchange(new SetRequestWithDatablock(Invoke, blocks[3])));

        Assert.Equal(DataAccessResult.LongSetAborted, aborted.Result);
        Assert.Equal(3u, aborted.BlockNumber);
        Assert.Equal(DataAccessResult.NoLongSetInProgress, after.Result);
        Assert.Equal(new CosemData.OctetString(new byte[4]), session.Server.Value(TestCosemServer.Tariff));
        Assert.Empty(session.Server.Calls);
    }

    [Theory]
    [InlineData(1u)] // repeated
    [InlineData(3u)] // skipped one
    public void Receive_SetDatablockOutOfOrder_AbortsWithDataBlockNumberInvalid(uint blockNumber)
    {
        using var session = ServerAssociationDataServiceTests.Plain(ServerAssociationDataServiceTests.PlainUtility);
        session.Exchange(new SetRequestWithFirstDatablock(Invoke, TestCosemServer.Tariff, null, new DataBlockSA(false, 1, new byte[] { 0x09, 0x02 })));

        var response = Assert.IsType<SetResponseLastDatablock>(session.Exchange(new SetRequestWithDatablock(Invoke, new DataBlockSA(true, blockNumber, new byte[] { 1, 2 }))));

        Assert.Equal(DataAccessResult.DataBlockNumberInvalid, response.Result);
        Assert.Equal(blockNumber, response.BlockNumber);
        Assert.Empty(session.Server.Calls);
    }

    [Fact]
    public void Receive_FirstSetDatablockNotNumberedOne_AnswersDataBlockNumberInvalid()
    {
        using var session = ServerAssociationDataServiceTests.Plain(ServerAssociationDataServiceTests.PlainUtility);

        var response = Assert.IsType<SetResponseLastDatablock>(session.Exchange(
            new SetRequestWithFirstDatablock(Invoke, TestCosemServer.Tariff, null, new DataBlockSA(false, 2, new byte[] { 0x09 }))));

        Assert.Equal(DataAccessResult.DataBlockNumberInvalid, response.Result);
    }

    [Fact]
    public void Receive_SetDatablockWithoutLongSet_AnswersNoLongSetInProgress()
    {
        using var session = ServerAssociationDataServiceTests.Plain(ServerAssociationDataServiceTests.PlainUtility);

        var response = Assert.IsType<SetResponseLastDatablock>(session.Exchange(new SetRequestWithDatablock(Invoke, new DataBlockSA(true, 2, new byte[] { 1 }))));

        Assert.Equal(DataAccessResult.NoLongSetInProgress, response.Result);
    }

    [Fact]
    public void Receive_SetDatablockToAttributeWithoutWriteRight_RefusesAtTheFirstBlock()
    {
        using var session = ServerAssociationDataServiceTests.Plain(ServerAssociationDataServiceTests.PlainReader);

        var response = Assert.IsType<SetResponseLastDatablock>(session.Exchange(
            new SetRequestWithFirstDatablock(Invoke, TestCosemServer.Tariff, null, new DataBlockSA(false, 1, new byte[] { 0x09, 0x80 }))));

        Assert.Equal(DataAccessResult.ReadWriteDenied, response.Result);
        Assert.Equal(1u, response.BlockNumber);
    }

    [Fact]
    public void Receive_SetDatablockWithMalformedValue_AnswersOtherReason()
    {
        using var session = ServerAssociationDataServiceTests.Plain(ServerAssociationDataServiceTests.PlainUtility);
        session.Exchange(new SetRequestWithFirstDatablock(Invoke, TestCosemServer.Tariff, null, new DataBlockSA(false, 1, new byte[] { 0x09, 0x05, 1 })));

        var response = Assert.IsType<SetResponseLastDatablock>(session.Exchange(new SetRequestWithDatablock(Invoke, new DataBlockSA(true, 2, new byte[] { 2 }))));

        Assert.Equal(DataAccessResult.OtherReason, response.Result);
        Assert.Empty(session.Server.Calls);
    }

    [Fact]
    public void Receive_SetWithListAndDatablocks_WritesEveryAttributeAfterTheLastBlock()
    {
        using var session = ServerAssociationDataServiceTests.Plain(ServerAssociationDataServiceTests.PlainUtility);
        var tariff = new CosemData.OctetString(new byte[150]);
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new AxdrWriter(buffer);
        writer.WriteLength(2);
        CosemDataCodec.Write(writer, tariff);
        CosemDataCodec.Write(writer, new CosemData.Boolean(false));
        var blocks = Split(buffer.WrittenSpan.ToArray(), 100);

        var first = Assert.IsType<SetResponseDatablock>(session.Exchange(
            new SetRequestWithListAndFirstDatablock(Invoke, [new(TestCosemServer.Tariff), new(TestCosemServer.OutputState)], blocks[0])));
        var last = Assert.IsType<SetResponseLastDatablockWithList>(session.Exchange(new SetRequestWithDatablock(Invoke, blocks[1])));

        Assert.Equal(1u, first.BlockNumber);
        Assert.Equal([DataAccessResult.Success, DataAccessResult.ReadWriteDenied], last.Result.ToArray());
        Assert.Equal(2u, last.BlockNumber);
        Assert.Equal(tariff, session.Server.Value(TestCosemServer.Tariff));
    }

    /// <summary>
    /// Reads a long GET to the end: every response must fit <paramref name="maxPdu"/> as sent, block numbers must
    /// count from 1 without gaps, and only the last block is marked last. Returns the joined raw data.
    /// </summary>
    private static byte[] ReadInBlocks(ServerSession session, Apdu request, int maxPdu, byte? securityControl)
    {
        var data = new List<byte>();
        var bytes = session.Receive(securityControl is { } control ? session.Glo(request, control) : request.ToArray());
        for (uint expected = 1; ; expected++)
        {
            Assert.True(bytes.Length <= maxPdu, $"block {expected} is {bytes.Length} bytes");
            var block = Assert.IsType<GetResponseWithDatablock>(session.Open(bytes)).Result;
            Assert.Equal(securityControl is null ? null : new SecurityControl(securityControl.Value), session.LastResponseControl);
            Assert.Equal(expected, block.BlockNumber);
            Assert.Equal(DataAccessResult.Success, block.Result);
            data.AddRange(block.RawData!.Value.ToArray());
            if (block.LastBlock)
            {
                Assert.True(expected > 1, "a value sent in one block would have fitted a normal response");
                return [.. data];
            }

            var next = new GetRequestNext(Invoke, block.BlockNumber);
            bytes = session.Receive(securityControl is { } c ? session.Glo(next, c) : next.ToArray());
        }
    }

    private static DataBlockSA[] Split(byte[] data, int size) =>
        [.. data.Chunk(size).Select((chunk, i) => new DataBlockSA((i + 1) * size >= data.Length, (uint)(i + 1), chunk))];
}
