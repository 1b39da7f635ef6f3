using Meterline.Dlms.Apdus;
using Meterline.Dlms.Axdr;

namespace Meterline.Dlms.Tests.Apdus;

/// <summary>Malformed input: every failure is a DlmsFormatException with a reason and an offset inside the input.</summary>
public partial class ApduCodecTests
{
    // xDLMS services, then ACSE (0x60-0x63) and the xDLMS initiate APDUs carried in user-information (0x01, 0x08, 0x0E).
    private static readonly byte[] KnownTags = [0x0F, 0xC0, 0xC1, 0xC2, 0xC3, 0xC4, 0xC5, 0xC7, 0xD8, 0x60, 0x61, 0x62, 0x63, 0x01, 0x08, 0x0E, 0xDB, 0xDC, 0xDD, 0xDF];
    // Service-specific glo-/ded- ciphered tags are known too (CipheredApduTags).

    /// <summary>Every published vector and every round-trip sample, as hex.</summary>
    public static TheoryData<string> AllEncodings
    {
        get
        {
            var distinct = PublishedVectors.Select(row => (string)row[0])
                .Concat(Samples.Values.Select(apdu => Convert.ToHexString(apdu.ToArray())))
                .Distinct(StringComparer.Ordinal);
            var data = new TheoryData<string>();
            foreach (var hex in distinct)
            {
                data.Add(hex);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(AllEncodings))]
    public void Decode_TruncatedAtEveryOffset_ThrowsFormatExceptionInsideInput(string hex)
    {
        var bytes = Convert.FromHexString(hex);

        for (var length = 0; length < bytes.Length; length++)
        {
            var prefix = bytes[..length];

            var error = Assert.Throws<DlmsFormatException>(() => ApduCodec.Decode(prefix));

            Assert.True(
                error.Reason is DlmsErrorReason.Truncated or DlmsErrorReason.LengthOutOfRange,
                $"Prefix of {length} bytes failed with {error.Reason}: {error.Message}");
            Assert.InRange(error.Offset, 0, length);
        }
    }

    [Theory]
    [MemberData(nameof(AllEncodings))]
    public void Decode_TrailingByte_ThrowsMalformedAtTheEnd(string hex)
    {
        var bytes = Convert.FromHexString(hex + "00");

        var error = Assert.Throws<DlmsFormatException>(() => ApduCodec.Decode(bytes));

        Assert.Equal(DlmsErrorReason.Malformed, error.Reason);
        Assert.Equal(bytes.Length - 1, error.Offset);
    }

    [Fact]
    public void Decode_Empty_ThrowsTruncatedAtZero()
    {
        var error = Assert.Throws<DlmsFormatException>(() => ApduCodec.Decode([]));

        Assert.Equal(DlmsErrorReason.Truncated, error.Reason);
        Assert.Equal(0, error.Offset);
    }

    [Fact]
    public void Decode_EveryUnknownTag_ThrowsUnknownTagAtZero()
    {
        for (var tag = 0; tag <= byte.MaxValue; tag++)
        {
            if (KnownTags.Contains((byte)tag) || Meterline.Dlms.Security.CipheredApduTags.IsServiceSpecificCiphered((byte)tag))
            {
                continue;
            }

            byte[] bytes = [(byte)tag, 0x01, 0xC1, 0x00, 0x08, 0x00, 0x00, 0x01, 0x00, 0x00, 0xFF, 0x02, 0x00];

            var error = Assert.Throws<DlmsFormatException>(() => ApduCodec.Decode(bytes));

            Assert.Equal(DlmsErrorReason.UnknownTag, error.Reason);
            Assert.Equal(0, error.Offset);
        }
    }

    [Theory]
    [InlineData(0xC0, 0x00)]
    [InlineData(0xC0, 0x04)]
    [InlineData(0xC0, 0xFF)]
    [InlineData(0xC4, 0x00)]
    [InlineData(0xC4, 0x04)]
    [InlineData(0xC1, 0x00)]
    [InlineData(0xC1, 0x06)]
    [InlineData(0xC5, 0x00)]
    [InlineData(0xC5, 0x06)]
    [InlineData(0xC3, 0x00)]
    [InlineData(0xC3, 0x07)]
    [InlineData(0xC7, 0x00)]
    [InlineData(0xC7, 0x05)]
    public void Decode_UnknownChoice_ThrowsUnknownTagAtOne(byte tag, byte choice)
    {
        byte[] bytes = [tag, choice, 0xC1, 0x00, 0x00, 0x00, 0x01];

        var error = Assert.Throws<DlmsFormatException>(() => ApduCodec.Decode(bytes));

        Assert.Equal(DlmsErrorReason.UnknownTag, error.Reason);
        Assert.Equal(1, error.Offset);
    }

    [Theory]
    [InlineData("C0")]
    [InlineData("C4")]
    [InlineData("C1")]
    [InlineData("C5")]
    [InlineData("C3")]
    [InlineData("C7")]
    public void Decode_TagWithoutChoice_ThrowsTruncatedAtOne(string hex)
    {
        var error = Assert.Throws<DlmsFormatException>(() => ApduCodec.Decode(Convert.FromHexString(hex)));

        Assert.Equal(DlmsErrorReason.Truncated, error.Reason);
        Assert.Equal(1, error.Offset);
    }

    /// <summary>The bytes of each list-bearing APDU up to one of its SEQUENCE OF counts.</summary>
    private static readonly string[] ListPrefixes =
    [
        "C003C1", // Get-Request-With-List attribute-descriptor-list
        "C403C1", // Get-Response-With-List result
        "C104C1", // Set-Request-With-List attribute-descriptor-list
        "C104C1" + "00", // Set-Request-With-List value-list (after an empty descriptor list)
        "C105C1", // Set-Request-With-List-And-First-Datablock attribute-descriptor-list
        "C504C1", // Set-Response-Last-Datablock-With-List result
        "C505C1", // Set-Response-With-List result
        "C303C1", // Action-Request-With-List cosem-method-descriptor-list
        "C303C1" + "00", // Action-Request-With-List method-invocation-parameters
        "C305C1", // Action-Request-With-List-And-First-Pblock cosem-method-descriptor-list
        "C703C1", // Action-Response-With-List list-of-responses
    ];

    public static TheoryData<string, string> ListsClaimingTooMuch
    {
        get
        {
            // A-XDR counts from one byte up to the largest four-byte value, and length forms that are not allowed.
            string[] counts = ["7F", "8180", "81FF", "82FFFF", "8300FFFF", "847FFFFFFF", "8480000000", "84FFFFFFFF", "80", "85FFFFFFFFFF"];
            var data = new TheoryData<string, string>();
            foreach (var prefix in ListPrefixes)
            {
                foreach (var count in counts)
                {
                    data.Add(prefix, count);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(ListsClaimingTooMuch))]
    public void Decode_ListCountBeyondInput_ThrowsLengthOutOfRangeAtCount(string prefix, string count)
    {
        // A few bytes follow the count, far fewer than its elements would need.
        var bytes = Convert.FromHexString(prefix + count + "0000000000000000");

        var error = Assert.Throws<DlmsFormatException>(() => ApduCodec.Decode(bytes));

        Assert.Equal(DlmsErrorReason.LengthOutOfRange, error.Reason);
        Assert.Equal(prefix.Length / 2, error.Offset);
    }

    [Theory]
    [InlineData("C103C1" + "00" + "00000001", "847FFFFFFF")] // Set-Request-With-Datablock raw-data
    [InlineData("C402C1" + "00" + "00000001" + "00", "8400001000")] // Get-Response-With-Datablock raw-data
    [InlineData("C702C1" + "00" + "00000001", "82FFFF")] // Action-Response-With-Pblock raw-data
    [InlineData("0F00000001", "81FF")] // Data-Notification date-time
    [InlineData("C401C1" + "00" + "09", "8180")] // an octet-string value
    public void Decode_ByteLengthBeyondInput_ThrowsLengthOutOfRangeAtLength(string prefix, string length)
    {
        var bytes = Convert.FromHexString(prefix + length + "000000");

        var error = Assert.Throws<DlmsFormatException>(() => ApduCodec.Decode(bytes));

        Assert.Equal(DlmsErrorReason.LengthOutOfRange, error.Reason);
        Assert.Equal(prefix.Length / 2, error.Offset);
    }

    [Theory]
    [InlineData("C501C105", 3)] // Data-Access-Result 5 is not defined
    [InlineData("C501C1FF", 3)]
    [InlineData("C401C10114", 4)] // Data-Access-Result 20
    [InlineData("C505C1020014", 5)]
    [InlineData("C503C1FB00000001", 3)]
    [InlineData("C701C10500", 3)] // Action-Result 5
    [InlineData("C701C11100", 3)] // Action-Result 17 (long-set-aborted has no ACTION counterpart)
    [InlineData("C401C10200", 3)] // Get-Data-Result choice 2
    [InlineData("C402C10100000001" + "02" + "00", 8)] // DataBlock-G result choice 2
    [InlineData("C401C1" + "00" + "0700", 4)] // data tag 7 is not defined
    [InlineData("D80001", 1)] // state-error 0
    [InlineData("D80301", 1)] // state-error 3
    [InlineData("D80100", 2)] // service-error choice 0
    [InlineData("D80107", 2)] // service-error choice 7
    public void Decode_UndefinedValue_ThrowsUnknownTagAtIt(string hex, int offset)
    {
        var error = Assert.Throws<DlmsFormatException>(() => ApduCodec.Decode(Convert.FromHexString(hex)));

        Assert.Equal(DlmsErrorReason.UnknownTag, error.Reason);
        Assert.Equal(offset, error.Offset);
    }

    [Theory]
    [InlineData("C001C1" + "00080000010000FF02" + "02", 12)] // access-selection usage flag 2
    [InlineData("C001C1" + "00080000010000FF02" + "FF", 12)]
    [InlineData("C301C1" + "0046000060030AFF01" + "02", 12)] // method-invocation-parameters usage flag 2
    [InlineData("C701C10002", 4)] // return-parameters usage flag 2
    [InlineData("C2" + "02", 1)] // EventNotificationRequest time usage flag 2
    [InlineData("C2" + "01" + "00", 2)] // time present but empty
    [InlineData("C2" + "01" + "0B" + "0102030405060708090A0B", 2)] // time of 11 bytes
    [InlineData("0F00000001" + "05" + "0102030405" + "0F00", 5)] // date-time of 5 bytes
    [InlineData("0F40000000" + "090C07E1090C0217122AFF800000" + "02010600000528", 5)] // date-time sent as tagged Data
    public void Decode_MalformedField_ThrowsMalformedAtIt(string hex, int offset)
    {
        var error = Assert.Throws<DlmsFormatException>(() => ApduCodec.Decode(Convert.FromHexString(hex)));

        Assert.Equal(DlmsErrorReason.Malformed, error.Reason);
        Assert.Equal(offset, error.Offset);
    }

    [Fact]
    public void Decode_NotificationBodyNestedTooDeep_ThrowsNestingTooDeep()
    {
        var hex = "0F00000001" + "00" + string.Concat(Enumerable.Repeat("0201", 40)) + "00";

        var error = Assert.Throws<DlmsFormatException>(() => ApduCodec.Decode(Convert.FromHexString(hex)));

        Assert.Equal(DlmsErrorReason.NestingTooDeep, error.Reason);
        Assert.InRange(error.Offset, 6, hex.Length / 2);
    }

    [Fact]
    public void Read_WrongTagForTheRecord_ThrowsMalformedAtZero()
    {
        var error = ReadGetRequestNormalFails(Convert.FromHexString(SetClockU9n));

        Assert.Equal(DlmsErrorReason.Malformed, error.Reason);
        Assert.Equal(0, error.Offset);
    }

    [Fact]
    public void Read_WrongChoiceForTheRecord_ThrowsMalformedAtOne()
    {
        var error = ReadGetRequestNormalFails(Convert.FromHexString(GetNextU9n));

        Assert.Equal(DlmsErrorReason.Malformed, error.Reason);
        Assert.Equal(1, error.Offset);
    }

    [Fact]
    public void Read_AtBaseOffset_ReportsOffsetsInTheWholeInput()
    {
        var reader = new AxdrReader(Convert.FromHexString("C501C105"), baseOffset: 100);
        DlmsFormatException? error = null;

        try
        {
            ApduCodec.Read(ref reader);
        }
        catch (DlmsFormatException e)
        {
            error = e;
        }

        Assert.NotNull(error);
        Assert.Equal(DlmsErrorReason.UnknownTag, error.Reason);
        Assert.Equal(103, error.Offset);
    }

    private static DlmsFormatException ReadGetRequestNormalFails(byte[] bytes)
    {
        var reader = new AxdrReader(bytes);
        try
        {
            GetRequestNormal.Read(ref reader);
        }
        catch (DlmsFormatException e)
        {
            return e;
        }

        throw new Xunit.Sdk.XunitException("GetRequestNormal.Read did not throw");
    }
}
