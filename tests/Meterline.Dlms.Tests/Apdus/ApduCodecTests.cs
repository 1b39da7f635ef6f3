using System.Buffers;
using System.Collections.Immutable;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Axdr;
using Meterline.Dlms.Cosem;

namespace Meterline.Dlms.Tests.Apdus;

public partial class ApduCodecTests
{
    // ---- Published vectors (hex, where it is published) ----

    private const string GetClockTimeV1 = "C0010000080000010000FF0200";
    private const string GetInvocationCounterU9n = "C001C100010000" + "2B0100FF0200";
    private const string GetProfileEpri = "C0014500070000636201FF0200";
    private const string GetRangeU9n = "C001C100070100630100FF020101"
        + "0204" + "020412000809060000010000FF0F02120000"
        + "090C07E10A010700000000FFC480" + "090C07E10A010701000000FFC480" + "0100";

    private const string GetNextU9n = "C002C100000001";
    private const string GetWithListU9n = "C003C102" + "000100002A0000FF0200" + "00080000010000FF0200";
    private const string GetResponseU9n = "C401C1000600001391";
    private const string GetResponseDateTimeEpri = "C40143" + "00" + "090C07E001040109320A00800000";
    private const string GetResponseRefusedU9n = "C401C10101";
    private const string GetResponseLastBlockErrorU9n = "C402C101000000130101";
    private const string GetResponseWithListU9n = "C403C102" + "00091049534B31303330373737373634333636" + "00090C07E50603040E091700FFC400";
    private const string SetClockU9n = "C101C100080000010000FF0200" + "090C07E50118FF0E303950FFC400";
    private const string SetFirstBlockGreenBookU9n = "C102C1" + "00010000800000FF0200" + "00" + "00000001" + "15"
        + "09320102030405060708091011121314" + "1516171819";

    private const string SetResponseU9n = "C501C100";
    private const string SetResponseBlockU9n = "C502C100000001";
    private const string SetResponseLastBlockU9n = "C503C10000000002";
    private const string RemoteDisconnect = "C301C1" + "0046" + "000060030AFF" + "01" + "01" + "0F00";
    private const string ActionWithParameterEpri = "C30181" + "0009" + "00000A0000FF" + "01" + "01" + "120002";
    private const string ActionWithoutParameterEpri = "C30181" + "0909" + "01100A4234FF" + "01" + "00";
    private const string ReplyToHlsU9n = "C301C0000F0000280000FF0101" + "09111000001A90E6D2221FA2FD85EED61ACC22";
    private const string ActionResponseU9n = "C701C00000";
    private const string ActionResponseEpri = "C701810000";
    private const string ActionResponseWithDataU9n = "C701C0000100" + "09111000001AFDE8857B728A3499106AA665D1";
    private const string ActionResponseWithErrorU9n = "C701C0000101FA";
    private const string DataNotificationU9n = "0F000001DB00" + "0922125A8591360000000049000000110000000A5A8513D014800000000D0000000A0100";

    // A push of 0.4.25.9.0.255 with a date-time, as published in a public DLMS push-module integration note inside a
    // TCP wrapper of length 0x4D (00 01 00 01 00 66 00 4D): the wrapper length matches the 77 bytes below.
    private const string DataNotificationWithTimePush = "0F00000000" + "0C07E70903070A340EFFFF4C00"
        + "0204" + "090E5043523534303030303030303030" + "09060004190900FF" + "090C07E7090307091D0DFFFF4C00"
        + "048180" + "00000000000000000000130000000000";

    /// <summary>Each published vector with its source: decoding then encoding gives the same bytes.</summary>
    public static TheoryData<string, string> PublishedVectors => new()
    {
        { GetClockTimeV1, "test-vectors.md V1/V3 plaintext (Green Book ed. 7 example; u9n, jDLMS)" },
        { GetInvocationCounterU9n, "u9n/dlms-cosem tests/test_xdlms/test_get.py TestGetRequestNormal" },
        { GetProfileEpri, "epri-dev/DLMS-COSEM test/DLMS-COSEM-TEST/UnitTest-APDU-GET-Request.cpp" },
        { GetRangeU9n, "u9n/dlms-cosem tests/test_xdlms/test_selective_access.py test_parse_range_descriptor" },
        { GetNextU9n, "u9n/dlms-cosem tests/test_xdlms/test_get.py TestGetRequestNext" },
        { GetWithListU9n, "u9n/dlms-cosem tests/test_xdlms/test_get.py TestGetRequestWithList" },
        { GetResponseU9n, "u9n/dlms-cosem tests/test_xdlms/test_get.py TestGetResponseNormal" },
        { GetResponseDateTimeEpri, "epri-dev/DLMS-COSEM test/DLMS-COSEM-TEST/UnitTest-APDU-GET-Response.cpp" },
        { GetResponseRefusedU9n, "u9n/dlms-cosem tests/test_xdlms/test_get.py TestGetRequestNormalWithError" },
        { GetResponseLastBlockErrorU9n, "u9n/dlms-cosem tests/test_xdlms/test_get.py TestGetResponseLastBlockWithError" },
        { GetResponseWithListU9n, "u9n/dlms-cosem tests/test_xdlms/test_get.py TestGetResponseWithList" },
        { SetClockU9n, "u9n/dlms-cosem tests/test_xdlms/test_set.py TestSetRequestNormal" },
        { SetFirstBlockGreenBookU9n, "Green Book Table 137 as reproduced in u9n/dlms-cosem tests/test_xdlms/test_set.py" },
        { SetResponseU9n, "u9n/dlms-cosem tests/test_xdlms/test_set.py TestSetResponseNormal" },
        { SetResponseBlockU9n, "u9n/dlms-cosem tests/test_xdlms/test_set.py TestSetResponseWithBlock" },
        { SetResponseLastBlockU9n, "u9n/dlms-cosem tests/test_xdlms/test_set.py TestSetResponseLastBlock" },
        { RemoteDisconnect, "IS 15959 remote_disconnect (class 70 method 1, integer 0) as sent by public head-end tools" },
        { ActionWithParameterEpri, "epri-dev/DLMS-COSEM test/DLMS-COSEM-TEST/UnitTest-APDU-ACTION-Request.cpp FINAL" },
        { ActionWithoutParameterEpri, "epri-dev/DLMS-COSEM test/DLMS-COSEM-TEST/UnitTest-APDU-ACTION-Request.cpp FINAL1" },
        { ReplyToHlsU9n, "u9n/dlms-cosem tests/test_xdlms/test_action.py TestActionRequestNormal" },
        { ActionResponseU9n, "u9n/dlms-cosem tests/test_xdlms/test_action.py TestActionResponseNormal" },
        { ActionResponseEpri, "epri-dev/DLMS-COSEM test/DLMS-COSEM-TEST/UnitTest-APDU-ACTION-Response.cpp" },
        { ActionResponseWithDataU9n, "u9n/dlms-cosem tests/test_xdlms/test_action.py TestActionResponseNormalWithData" },
        { ActionResponseWithErrorU9n, "u9n/dlms-cosem tests/test_xdlms/test_action.py TestActionResponseWithError" },
        { DataNotificationU9n, "u9n/dlms-cosem tests/test_xdlms/test_data_notification.py" },
        { DataNotificationWithTimePush, "public DLMS push-module integration note (wrapper length 0x4D)" },
    };

    [Theory]
    [MemberData(nameof(PublishedVectors))]
    public void Decode_PublishedVector_ReEncodesToTheSameBytes(string hex, string source)
    {
        var bytes = Convert.FromHexString(hex);

        var apdu = ApduCodec.Decode(bytes);

        Assert.Equal(bytes, ApduCodec.Encode(apdu));
        Assert.Equal(bytes[0], apdu.Tag);
        Assert.Equal(apdu, ApduCodec.Decode(apdu.ToArray()));
        Assert.False(string.IsNullOrEmpty(source));
    }

    [Fact]
    public void Decode_GetClockTimeV1_IsGetRequestNormalOfClockAttribute2()
    {
        var apdu = Assert.IsType<GetRequestNormal>(ApduCodec.Decode(Convert.FromHexString(GetClockTimeV1)));

        Assert.Equal(new InvokeIdAndPriority(0), apdu.InvokeIdAndPriority);
        Assert.Equal(new CosemAttributeDescriptor(8, ObisCode.Clock, 2), apdu.CosemAttributeDescriptor);
        Assert.Null(apdu.AccessSelection);
    }

    [Fact]
    public void Encode_GetRequestNormalOfClockWithC1_MatchesBriefVector()
    {
        // The GET of the clock with invoke-id 1, confirmed, high priority: C0 01 C1 0008 0000010000FF 02 00.
        var apdu = new GetRequestNormal(new InvokeIdAndPriority(1, confirmed: true, highPriority: true), new CosemAttributeDescriptor(8, ObisCode.Clock, 2));

        Assert.Equal(Convert.FromHexString("C001C100080000010000FF0200"), apdu.ToArray());
    }

    [Fact]
    public void Decode_GetRangeU9n_CarriesClockRangeOfLoadProfile()
    {
        var apdu = Assert.IsType<GetRequestNormal>(ApduCodec.Decode(Convert.FromHexString(GetRangeU9n)));

        Assert.Equal(new CosemAttributeDescriptor(7, new ObisCode(1, 0, 99, 1, 0, 255), 2), apdu.CosemAttributeDescriptor);
        var range = RangeDescriptor.FromSelectiveAccessDescriptor(apdu.AccessSelection!);
        Assert.Equal(CaptureObjectDefinition.Clock, range.RestrictingObject);
        Assert.True(range.TryGetDateTimeRange(out var from, out var to));
        Assert.Equal(new DateTimeOffset(2017, 10, 1, 0, 0, 0, TimeSpan.FromHours(1)), from.ToDateTimeOffset());
        Assert.Equal(new DateTimeOffset(2017, 10, 1, 1, 0, 0, TimeSpan.FromHours(1)), to.ToDateTimeOffset());
        Assert.Equal(ClockStatus.DaylightSavingActive, from.ClockStatus);
    }

    [Fact]
    public void Decode_GetWithListU9n_HasTwoDescriptors()
    {
        var apdu = Assert.IsType<GetRequestWithList>(ApduCodec.Decode(Convert.FromHexString(GetWithListU9n)));

        CosemAttributeDescriptorWithSelection[] expected =
        [
            new(new CosemAttributeDescriptor(1, new ObisCode(0, 0, 42, 0, 0, 255), 2)),
            new(new CosemAttributeDescriptor(8, ObisCode.Clock, 2)),
        ];
        Assert.Equal(expected, apdu.AttributeDescriptorList.ToArray());
    }

    [Fact]
    public void Decode_GetResponseU9n_IsDoubleLongUnsigned5009()
    {
        var apdu = Assert.IsType<GetResponseNormal>(ApduCodec.Decode(Convert.FromHexString(GetResponseU9n)));

        Assert.Equal(new CosemData.DoubleLongUnsigned(5009), apdu.Result.Data);
        Assert.Equal(DataAccessResult.Success, apdu.Result.Result);
        Assert.Equal(1, apdu.InvokeIdAndPriority.InvokeId);
    }

    [Fact]
    public void Decode_GetResponseDateTimeEpri_IsTwelveByteOctetString()
    {
        var apdu = Assert.IsType<GetResponseNormal>(ApduCodec.Decode(Convert.FromHexString(GetResponseDateTimeEpri)));

        var octets = Assert.IsType<CosemData.OctetString>(apdu.Result.Data);
        Assert.True(octets.TryGetDateTime(out var when));
        Assert.Equal(new CosemDate(2016, 1, 4, 1), when.Date);
        Assert.Equal(3, apdu.InvokeIdAndPriority.InvokeId);
        Assert.False(apdu.InvokeIdAndPriority.IsHighPriority);
    }

    [Fact]
    public void Decode_GetResponseRefusedU9n_IsHardwareFault()
    {
        var apdu = Assert.IsType<GetResponseNormal>(ApduCodec.Decode(Convert.FromHexString(GetResponseRefusedU9n)));

        Assert.Null(apdu.Result.Data);
        Assert.Equal(DataAccessResult.HardwareFault, apdu.Result.Result);
    }

    [Fact]
    public void Decode_GetResponseLastBlockErrorU9n_IsLastBlock19WithHardwareFault()
    {
        var apdu = Assert.IsType<GetResponseWithDatablock>(ApduCodec.Decode(Convert.FromHexString(GetResponseLastBlockErrorU9n)));

        Assert.True(apdu.Result.LastBlock);
        Assert.Equal(19u, apdu.Result.BlockNumber);
        Assert.Null(apdu.Result.RawData);
        Assert.Equal(DataAccessResult.HardwareFault, apdu.Result.Result);
    }

    [Fact]
    public void Decode_GetResponseWithListU9n_HasSerialNumberAndTime()
    {
        var apdu = Assert.IsType<GetResponseWithList>(ApduCodec.Decode(Convert.FromHexString(GetResponseWithListU9n)));

        Assert.Equal(2, apdu.Result.Length);
        Assert.Equal(new CosemData.OctetString("ISK1030777764366"u8.ToArray()), apdu.Result[0].Data);
        Assert.True(Assert.IsType<CosemData.OctetString>(apdu.Result[1].Data).TryGetDateTime(out _));
    }

    [Fact]
    public void Decode_SetClockU9n_WritesDateTimeToClock()
    {
        var apdu = Assert.IsType<SetRequestNormal>(ApduCodec.Decode(Convert.FromHexString(SetClockU9n)));

        Assert.Equal(new CosemAttributeDescriptor(8, ObisCode.Clock, 2), apdu.CosemAttributeDescriptor);
        Assert.True(Assert.IsType<CosemData.OctetString>(apdu.Value).TryGetDateTime(out var when));
        Assert.Equal((short)-60, when.Deviation);
    }

    [Fact]
    public void Decode_SetFirstBlockGreenBook_CarriesTwentyOneBytes()
    {
        var apdu = Assert.IsType<SetRequestWithFirstDatablock>(ApduCodec.Decode(Convert.FromHexString(SetFirstBlockGreenBookU9n)));

        Assert.Equal(new CosemAttributeDescriptor(1, new ObisCode(0, 0, 128, 0, 0, 255), 2), apdu.CosemAttributeDescriptor);
        Assert.False(apdu.DataBlock.LastBlock);
        Assert.Equal(1u, apdu.DataBlock.BlockNumber);
        Assert.Equal(Convert.FromHexString("093201020304050607080910111213141516171819"), apdu.DataBlock.RawData.ToArray());
    }

    [Fact]
    public void Decode_SetResponseLastBlockU9n_IsSuccessAtBlock2()
    {
        var apdu = Assert.IsType<SetResponseLastDatablock>(ApduCodec.Decode(Convert.FromHexString(SetResponseLastBlockU9n)));

        Assert.Equal(DataAccessResult.Success, apdu.Result);
        Assert.Equal(2u, apdu.BlockNumber);
    }

    [Fact]
    public void Decode_RemoteDisconnect_IsMethod1OfDisconnectControlWithIntegerZero()
    {
        var apdu = Assert.IsType<ActionRequestNormal>(ApduCodec.Decode(Convert.FromHexString(RemoteDisconnect)));

        Assert.Equal(new CosemMethodDescriptor(70, new ObisCode(0, 0, 96, 3, 10, 255), 1), apdu.CosemMethodDescriptor);
        Assert.Equal(new CosemData.Integer(0), apdu.MethodInvocationParameters);
    }

    [Fact]
    public void Encode_RemoteDisconnect_MatchesPublishedCommand()
    {
        var apdu = new ActionRequestNormal(
            new InvokeIdAndPriority(1, confirmed: true, highPriority: true),
            new CosemMethodDescriptor(70, new ObisCode(0, 0, 96, 3, 10, 255), 1),
            new CosemData.Integer(0));

        Assert.Equal(Convert.FromHexString(RemoteDisconnect), apdu.ToArray());
    }

    [Fact]
    public void Decode_ActionWithoutParameterEpri_HasNoParameters()
    {
        var apdu = Assert.IsType<ActionRequestNormal>(ApduCodec.Decode(Convert.FromHexString(ActionWithoutParameterEpri)));

        Assert.Null(apdu.MethodInvocationParameters);
        Assert.Equal(0x0909, apdu.CosemMethodDescriptor.ClassId);
    }

    [Fact]
    public void Decode_ActionResponseWithDataU9n_ReturnsOctetString()
    {
        var apdu = Assert.IsType<ActionResponseNormal>(ApduCodec.Decode(Convert.FromHexString(ActionResponseWithDataU9n)));

        Assert.Equal(ActionResult.Success, apdu.SingleResponse.Result);
        var returned = Assert.IsType<CosemData.OctetString>(apdu.SingleResponse.ReturnParameters!.Data);
        Assert.Equal(17, returned.Value.Length);
    }

    [Fact]
    public void Decode_ActionResponseWithErrorU9n_ReturnsOtherReason()
    {
        var apdu = Assert.IsType<ActionResponseNormal>(ApduCodec.Decode(Convert.FromHexString(ActionResponseWithErrorU9n)));

        Assert.Equal(DataAccessResult.OtherReason, apdu.SingleResponse.ReturnParameters!.Result);
        Assert.Null(apdu.SingleResponse.ReturnParameters.Data);
    }

    [Fact]
    public void Decode_ActionResponseU9n_HasNoReturnParameters()
    {
        var apdu = Assert.IsType<ActionResponseNormal>(ApduCodec.Decode(Convert.FromHexString(ActionResponseU9n)));

        Assert.Equal(new ActionResponseWithOptionalData(ActionResult.Success), apdu.SingleResponse);
    }

    [Fact]
    public void Decode_DataNotificationU9n_HasNoTimeAndOctetStringBody()
    {
        var apdu = Assert.IsType<DataNotification>(ApduCodec.Decode(Convert.FromHexString(DataNotificationU9n)));

        Assert.Equal(0x1DBu, apdu.LongInvokeIdAndPriority.LongInvokeId);
        Assert.Null(apdu.DateTime);
        Assert.Equal(34, Assert.IsType<CosemData.OctetString>(apdu.NotificationBody).Value.Length);
    }

    [Fact]
    public void Decode_DataNotificationWithTimePush_HasTimeAndStructureBody()
    {
        var apdu = Assert.IsType<DataNotification>(ApduCodec.Decode(Convert.FromHexString(DataNotificationWithTimePush)));

        Assert.NotNull(apdu.DateTime);
        Assert.Equal(new CosemDate(2023, 9, 3, 7), apdu.DateTime.Value.Date);
        Assert.Equal((short)-180, apdu.DateTime.Value.Deviation);
        var body = Assert.IsType<CosemData.Structure>(apdu.NotificationBody);
        Assert.Equal(4, body.Items.Length);
        Assert.Equal(new CosemData.OctetString(new ObisCode(0, 4, 25, 9, 0, 255).ToArray()), body.Items[1]);
        Assert.Equal(128, Assert.IsType<CosemData.BitString>(body.Items[3]).BitLength);
    }

    [Fact]
    public void Read_ApduInsideLargerBuffer_ConsumesExactlyTheApdu()
    {
        var bytes = Convert.FromHexString(GetResponseRefusedU9n + "C501C100");
        var reader = new AxdrReader(bytes);

        var first = ApduCodec.Read(ref reader);
        var second = ApduCodec.Read(ref reader);

        Assert.IsType<GetResponseNormal>(first);
        Assert.IsType<SetResponseNormal>(second);
        Assert.True(reader.IsAtEnd);
    }

    [Fact]
    public void Encode_ToBufferWriter_WritesSameBytesAsToArray()
    {
        var apdu = ApduCodec.Decode(Convert.FromHexString(GetRangeU9n));
        var buffer = new ArrayBufferWriter<byte>(1);

        ApduCodec.Encode(apdu, buffer);

        Assert.Equal(Convert.FromHexString(GetRangeU9n), buffer.WrittenSpan.ToArray());
    }

    [Fact]
    public void Encode_Null_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => ApduCodec.Encode(null!));
        Assert.Throws<ArgumentNullException>(() => ApduCodec.Encode(null!, new ArrayBufferWriter<byte>()));
    }

    // ---- Round trip of every APDU variant ----

    private static readonly InvokeIdAndPriority Invoke = new(1, confirmed: true, highPriority: true);
    private static readonly CosemAttributeDescriptor ClockTime = new(8, ObisCode.Clock, 2);
    private static readonly CosemAttributeDescriptor LoadProfileBuffer = new(7, new ObisCode(1, 0, 99, 1, 0, 255), 2);
    private static readonly CosemMethodDescriptor Disconnect = new(70, new ObisCode(0, 0, 96, 3, 10, 255), 1);
    private static readonly CosemMethodDescriptor Reconnect = new(70, new ObisCode(0, 0, 96, 3, 10, 255), 2);
    private static readonly CosemDateTime Midnight = CosemDateTime.FromDateTimeOffset(new DateTimeOffset(2024, 3, 1, 0, 0, 0, TimeSpan.FromHours(5.5)));
    private static readonly SelectiveAccessDescriptor LastDay = RangeDescriptor.ByClock(
        Midnight,
        CosemDateTime.FromDateTimeOffset(new DateTimeOffset(2024, 3, 2, 0, 0, 0, TimeSpan.FromHours(5.5)))).ToSelectiveAccessDescriptor();

    private static readonly CosemData Reading = new CosemData.Structure(
        CosemData.OctetString.FromDateTime(Midnight),
        new CosemData.LongUnsigned(2301),
        new CosemData.DoubleLongUnsigned(123456));

    private static readonly byte[] LongRaw = Enumerable.Range(0, 300).Select(i => (byte)i).ToArray();

    private static readonly Dictionary<string, Apdu> Samples = new()
    {
        ["GetRequestNormal"] = new GetRequestNormal(Invoke, ClockTime),
        ["GetRequestNormal with range"] = new GetRequestNormal(Invoke, LoadProfileBuffer, LastDay),
        ["GetRequestNormal with entries"] = new GetRequestNormal(new InvokeIdAndPriority(0x4F), LoadProfileBuffer, new EntryDescriptor(1, 96).ToSelectiveAccessDescriptor()),
        ["GetRequestNext"] = new GetRequestNext(Invoke, 0xFFFFFFFF),
        ["GetRequestWithList"] = new GetRequestWithList(Invoke, [new(ClockTime), new(LoadProfileBuffer, LastDay)]),
        ["GetRequestWithList empty"] = new GetRequestWithList(Invoke, []),
        ["GetResponseNormal data"] = new GetResponseNormal(Invoke, new GetDataResult(Reading)),
        ["GetResponseNormal refused"] = new GetResponseNormal(Invoke, new GetDataResult(DataAccessResult.ScopeOfAccessViolated)),
        ["GetResponseWithDatablock raw"] = new GetResponseWithDatablock(Invoke, new DataBlockG(false, 1, LongRaw)),
        ["GetResponseWithDatablock empty raw"] = new GetResponseWithDatablock(Invoke, new DataBlockG(true, 7, ReadOnlyMemory<byte>.Empty)),
        ["GetResponseWithDatablock result"] = new GetResponseWithDatablock(Invoke, new DataBlockG(true, 2, DataAccessResult.LongGetAborted)),
        ["GetResponseWithList"] = new GetResponseWithList(Invoke, [new GetDataResult(Reading), new GetDataResult(DataAccessResult.ObjectUndefined)]),
        ["SetRequestNormal"] = new SetRequestNormal(Invoke, ClockTime, null, CosemData.OctetString.FromDateTime(Midnight)),
        ["SetRequestNormal with access"] = new SetRequestNormal(Invoke, LoadProfileBuffer, LastDay, new CosemData.Array()),
        ["SetRequestWithFirstDatablock"] = new SetRequestWithFirstDatablock(Invoke, ClockTime, null, new DataBlockSA(false, 1, LongRaw)),
        ["SetRequestWithFirstDatablock with access"] = new SetRequestWithFirstDatablock(Invoke, LoadProfileBuffer, LastDay, new DataBlockSA(true, 1, new byte[] { 0x0F, 0x01 })),
        ["SetRequestWithDatablock"] = new SetRequestWithDatablock(Invoke, new DataBlockSA(true, 2, new byte[] { 1, 2, 3 })),
        ["SetRequestWithList"] = new SetRequestWithList(Invoke, [new(ClockTime), new(LoadProfileBuffer)], [CosemData.OctetString.FromDateTime(Midnight), CosemData.NullData.Instance]),
        ["SetRequestWithListAndFirstDatablock"] = new SetRequestWithListAndFirstDatablock(Invoke, [new(ClockTime, LastDay)], new DataBlockSA(false, 1, LongRaw)),
        ["SetResponseNormal"] = new SetResponseNormal(Invoke, DataAccessResult.ReadWriteDenied),
        ["SetResponseDatablock"] = new SetResponseDatablock(Invoke, 3),
        ["SetResponseLastDatablock"] = new SetResponseLastDatablock(Invoke, DataAccessResult.Success, 4),
        ["SetResponseLastDatablockWithList"] = new SetResponseLastDatablockWithList(Invoke, [DataAccessResult.Success, DataAccessResult.TypeUnmatched], 5),
        ["SetResponseWithList"] = new SetResponseWithList(Invoke, [DataAccessResult.Success, DataAccessResult.OtherReason, DataAccessResult.DataBlockNumberInvalid]),
        ["ActionRequestNormal"] = new ActionRequestNormal(Invoke, Disconnect, new CosemData.Integer(0)),
        ["ActionRequestNormal without parameters"] = new ActionRequestNormal(Invoke, Reconnect),
        ["ActionRequestNextPBlock"] = new ActionRequestNextPBlock(Invoke, 9),
        ["ActionRequestWithList"] = new ActionRequestWithList(Invoke, [Disconnect, Reconnect], [new CosemData.Integer(0), new CosemData.Integer(0)]),
        ["ActionRequestWithFirstPBlock"] = new ActionRequestWithFirstPBlock(Invoke, Disconnect, new DataBlockSA(false, 1, LongRaw)),
        ["ActionRequestWithListAndFirstPBlock"] = new ActionRequestWithListAndFirstPBlock(Invoke, [Disconnect, Reconnect], new DataBlockSA(false, 1, new byte[] { 0x0F })),
        ["ActionRequestWithPBlock"] = new ActionRequestWithPBlock(Invoke, new DataBlockSA(true, 2, new byte[] { 0x00 })),
        ["ActionResponseNormal"] = new ActionResponseNormal(Invoke, new ActionResponseWithOptionalData(ActionResult.Success)),
        ["ActionResponseNormal with data"] = new ActionResponseNormal(Invoke, new ActionResponseWithOptionalData(ActionResult.Success, new GetDataResult(new CosemData.Enum(0)))),
        ["ActionResponseNormal with result"] = new ActionResponseNormal(Invoke, new ActionResponseWithOptionalData(ActionResult.TemporaryFailure, new GetDataResult(DataAccessResult.TemporaryFailure))),
        ["ActionResponseWithPBlock"] = new ActionResponseWithPBlock(Invoke, new DataBlockSA(false, 1, LongRaw)),
        ["ActionResponseWithList"] = new ActionResponseWithList(Invoke, [new(ActionResult.Success), new(ActionResult.ReadWriteDenied, new GetDataResult(DataAccessResult.ReadWriteDenied))]),
        ["ActionResponseNextPBlock"] = new ActionResponseNextPBlock(Invoke, 1),
        ["DataNotification without time"] = new DataNotification(new LongInvokeIdAndPriority(0x1DB), null, Reading),
        ["DataNotification with time"] = new DataNotification(new LongInvokeIdAndPriority(7, confirmed: false, highPriority: true, selfDescriptive: true, breakOnError: true), Midnight, new CosemData.Array(Reading, Reading)),
        ["EventNotificationRequest without time"] = new EventNotificationRequest(null, new CosemAttributeDescriptor(1, new ObisCode(0, 0, 96, 11, 4, 255), 2), new CosemData.LongUnsigned(251)),
        ["EventNotificationRequest with time"] = new EventNotificationRequest(Midnight, new CosemAttributeDescriptor(1, new ObisCode(0, 0, 96, 11, 4, 255), 2), new CosemData.LongUnsigned(201)),
        ["ExceptionResponse"] = new ExceptionResponse(StateError.ServiceNotAllowed, ServiceError.DecipheringError),
        ["ExceptionResponse invocation counter"] = ExceptionResponse.ForInvocationCounterError(StateError.ServiceUnknown, 0x01234567),
    };

    public static TheoryData<string> SampleNames => new(Samples.Keys);

    [Theory]
    [MemberData(nameof(SampleNames))]
    public void DecodeEncode_EveryVariant_RoundTripsToEqualRecordAndSameBytes(string name)
    {
        var apdu = Samples[name];
        var bytes = ApduCodec.Encode(apdu);

        var decoded = ApduCodec.Decode(bytes);

        Assert.IsType(apdu.GetType(), decoded);
        Assert.Equal(apdu, decoded);
        Assert.Equal(apdu.GetHashCode(), decoded.GetHashCode());
        Assert.Equal(bytes, decoded.ToArray());
        Assert.Equal(apdu.Tag, bytes[0]);
    }

    [Fact]
    public void Samples_CoverEveryApduRecord()
    {
        var apduTypes = typeof(Apdu).Assembly.GetTypes()
            .Where(type => type.IsSubclassOf(typeof(Apdu)) && !type.IsAbstract && type.Namespace == typeof(ApduCodec).Namespace)
            .Select(type => type.Name)
            .ToHashSet();

        var covered = Samples.Values.Select(apdu => apdu.GetType().Name).ToHashSet();

        Assert.Subset(covered, apduTypes);
    }

    [Fact]
    public void Equals_ListRecordsWithSameContent_AreEqual()
    {
        var left = new GetResponseWithList(Invoke, [new GetDataResult(new CosemData.OctetString([1, 2])), new GetDataResult(DataAccessResult.OtherReason)]);
        var right = new GetResponseWithList(Invoke, [new GetDataResult(new CosemData.OctetString([1, 2])), new GetDataResult(DataAccessResult.OtherReason)]);

        Assert.Equal(left, right);
        Assert.Equal(left.GetHashCode(), right.GetHashCode());
        Assert.NotEqual(left, right with { Result = [new GetDataResult(DataAccessResult.OtherReason)] });
        Assert.Equal(new GetResponseWithList(Invoke, default), new GetResponseWithList(Invoke, ImmutableArray<GetDataResult>.Empty));
    }
}
