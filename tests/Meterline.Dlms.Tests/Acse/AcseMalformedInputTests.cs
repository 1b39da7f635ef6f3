using Meterline.Dlms.Acse;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Axdr;

namespace Meterline.Dlms.Tests.Acse;

/// <summary>
/// Malformed-input tables for every decoder of this folder: every published vector truncated at every offset, length
/// lies up to 2^32, oversized and indefinite lengths, unknown tags and excessive nesting. Each must end in a
/// <see cref="DlmsFormatException"/> with an offset inside the input, and the reader must not move.
/// </summary>
public class AcseMalformedInputTests
{
    public static TheoryData<string> AcseVectorData() => new(AcseVectors.AllAcse.Concat([AcseVectors.AarqAllFields, AcseVectors.AareAllFields]));

    public static TheoryData<string> XdlmsVectorData() => new(AcseVectors.AllXdlms);

    [Theory]
    [MemberData(nameof(AcseVectorData))]
    public void Read_AcseVectorTruncatedAtEveryOffset_ThrowsAtTheLength(string hex)
    {
        var bytes = Convert.FromHexString(hex);
        for (var length = 0; length < bytes.Length; length++)
        {
            var e = AcseTestCodec.DecodeFails(ReaderFor(bytes[0]), bytes[..length]);

            // The outer length is one octet (or 81 nn) and claims more than is left from the third octet on.
            var lengthOctets = bytes[1] == 0x81 ? 2 : 1;
            var (reason, offset) = length switch
            {
                0 => (DlmsErrorReason.Truncated, 0),
                _ when length < 1 + lengthOctets => (DlmsErrorReason.Truncated, 1),
                _ => (DlmsErrorReason.LengthOutOfRange, 1),
            };
            Assert.Equal(reason, e.Reason);
            Assert.Equal(offset, e.Offset);
        }
    }

    [Theory]
    [MemberData(nameof(XdlmsVectorData))]
    public void Read_XdlmsVectorTruncatedAtEveryOffset_ThrowsTruncated(string hex)
    {
        var bytes = Convert.FromHexString(hex);
        for (var length = 0; length < bytes.Length; length++)
        {
            var e = AcseTestCodec.DecodeFails(ReaderFor(bytes[0]), bytes[..length]);
            Assert.Contains(e.Reason, new[] { DlmsErrorReason.Truncated, DlmsErrorReason.LengthOutOfRange });
            Assert.InRange(e.Offset, 0, length);
        }
    }

    [Theory]
    [MemberData(nameof(XdlmsVectorData))]
    public void DecodeUserInformation_InitiateTruncatedInsideAarq_ThrowsTruncated(string hex)
    {
        // A well-formed AARQ whose user-information holds a truncated xDLMS APDU.
        var full = Convert.FromHexString(hex);
        for (var length = 0; length < full.Length; length++)
        {
            var aarq = new Aarq
            {
                ApplicationContextName = ApplicationContextName.LogicalNameReferencingNoCiphering,
                UserInformation = full[..length],
            };
            var decoded = AcseTestCodec.Decode(Aarq.Read, aarq.ToArray());
            var e = Assert.Throws<DlmsFormatException>(decoded.DecodeUserInformation);
            Assert.Contains(e.Reason, new[] { DlmsErrorReason.Truncated, DlmsErrorReason.LengthOutOfRange });
            Assert.InRange(e.Offset, 0, length);
        }
    }

    public static TheoryData<string, string, DlmsErrorReason, int> LengthLies() => new()
    {
        // APDU, hex, reason, offset. Lengths up to 2^32 - 1 are never trusted, whatever octet claims them.
        { "AARQ", "6084FFFFFFFFA109060760857405080101", DlmsErrorReason.LengthOutOfRange, 1 },
        { "AARQ", "60847FFFFFFFA109060760857405080101", DlmsErrorReason.LengthOutOfRange, 1 },
        { "AARQ", "608480000000A109060760857405080101", DlmsErrorReason.LengthOutOfRange, 1 },
        { "AARQ", "6084000000FFA109060760857405080101", DlmsErrorReason.LengthOutOfRange, 1 },
        { "AARQ", "60850000000000", DlmsErrorReason.LengthOutOfRange, 1 }, // five length octets
        { "AARQ", "6088FFFFFFFFFFFFFFFF", DlmsErrorReason.LengthOutOfRange, 1 },
        { "AARQ", "60800000", DlmsErrorReason.Unsupported, 1 }, // indefinite
        { "AARQ", "60FF", DlmsErrorReason.Malformed, 1 }, // reserved
        { "AARQ", "600FA184FFFFFFFF06076085740508010100", DlmsErrorReason.LengthOutOfRange, 3 },
        { "AARQ", "600DA18006076085740508010100000000", DlmsErrorReason.Unsupported, 3 },
        { "AARQ", "600DA109068407608574050801010000", DlmsErrorReason.LengthOutOfRange, 5 },
        { "AARQ", "6011A109060760857405080101BE84FFFFFFFF", DlmsErrorReason.LengthOutOfRange, 14 },
        { "AARQ", "6013A109060760857405080101BE0604847FFFFFFF", DlmsErrorReason.LengthOutOfRange, 16 },
        { "AARQ", "6013A109060760857405080101AC0680847FFFFFFF", DlmsErrorReason.LengthOutOfRange, 16 },
        { "AARQ", "6011A109060760857405080101A6040405AABB", DlmsErrorReason.LengthOutOfRange, 16 },
        { "AARE", "6184FFFFFFFF", DlmsErrorReason.LengthOutOfRange, 1 },
        { "AARE", "611AA109060760857405080101A284FFFFFFFF0201A305A103020100", DlmsErrorReason.LengthOutOfRange, 14 },
        { "RLRQ", "62848000000080", DlmsErrorReason.LengthOutOfRange, 1 },
        { "RLRQ", "620780847FFFFFFF00", DlmsErrorReason.LengthOutOfRange, 3 },
        { "RLRE", "63820100BE00", DlmsErrorReason.LengthOutOfRange, 1 },
        { "RLRE", "6306BE80040000000000", DlmsErrorReason.Unsupported, 3 },
        { "InitiateRequest", "010184FFFFFFFF", DlmsErrorReason.LengthOutOfRange, 2 },
        { "InitiateRequest", "01000000065F1F84FFFFFFFF", DlmsErrorReason.LengthOutOfRange, 7 },
        { "InitiateRequest", "01000000065F1F850000000004", DlmsErrorReason.LengthOutOfRange, 7 },
        { "InitiateRequest", "01000000065F1F80000000007E1F0000", DlmsErrorReason.Unsupported, 7 },
        { "InitiateResponse", "0800065F1F84FFFFFFFF", DlmsErrorReason.LengthOutOfRange, 5 },
    };

    [Theory]
    [MemberData(nameof(LengthLies))]
    public void Read_LengthLie_ThrowsBeforeAllocating(string apdu, string hex, DlmsErrorReason reason, int offset)
    {
        AcseTestCodec.AssertFails(ReaderNamed(apdu), hex, reason, offset);
    }

    public static TheoryData<string, string, DlmsErrorReason, int> StructuralErrors() => new()
    {
        { "AARQ", "", DlmsErrorReason.Truncated, 0 },
        { "AARQ", "610BA109060760857405080101", DlmsErrorReason.UnknownTag, 0 }, // an AARE is not an AARQ
        { "AARQ", "400BA109060760857405080101", DlmsErrorReason.Malformed, 0 }, // primitive [APPLICATION 0]
        { "AARQ", "6000", DlmsErrorReason.Malformed, 0 }, // no application-context-name
        { "AARQ", "600D0400A109060760857405080101", DlmsErrorReason.UnknownTag, 2 }, // universal field
        { "AARQ", "600D4000A109060760857405080101", DlmsErrorReason.UnknownTag, 2 }, // application-class field
        { "AARQ", "600DC000A109060760857405080101", DlmsErrorReason.UnknownTag, 2 }, // private-class field
        { "AARQ", "600D9F00A109060760857405080101", DlmsErrorReason.Malformed, 2 }, // high-tag form for [0]
        { "AARQ", "600E9F8000A109060760857405080101", DlmsErrorReason.Malformed, 3 }, // high tag leading zero
        { "AARQ", "60168109060760857405080101A109060760857405080101", DlmsErrorReason.Malformed, 2 }, // [1] primitive
        { "AARQ", "6016A109060760857405080101A109060760857405080101", DlmsErrorReason.Malformed, 13 }, // repeated
        { "AARQ", "6010A6030401AAA109060760857405080101", DlmsErrorReason.Malformed, 7 }, // out of order
        { "AARQ", "600DA10B0607608574050801010500", DlmsErrorReason.Malformed, 13 }, // trailing inside [1]
        { "AARQ", "6010A109060760857405080101A6030201AA", DlmsErrorReason.UnknownTag, 15 }, // AP title as INTEGER
        { "AARQ", "6011A109060760857405080101A8040202007F", DlmsErrorReason.Malformed, 17 }, // non-minimal INTEGER
        { "AARQ", "6014A109060760857405080101A80702050102030405", DlmsErrorReason.Unsupported, 17 }, // 40-bit INTEGER
        { "AARQ", "600EA1090607608574050801018A0108", DlmsErrorReason.Malformed, 15 }, // 8 unused bits
        { "AARQ", "600EA1090607608574050801018A0300", DlmsErrorReason.LengthOutOfRange, 14 },
        { "AARQ", "6014A1090607608574050801018B072A8648CE3D0401", DlmsErrorReason.UnknownTag, 13 }, // not DLMS UA
        { "AARQ", "600FA109060760857405080101AC028400", DlmsErrorReason.UnknownTag, 15 }, // choice [4]
        { "AARQ", "600EA1090607608574050801019D0280", DlmsErrorReason.LengthOutOfRange, 14 },
        { "AARE", "610BA109060760857405080101", DlmsErrorReason.Malformed, 0 }, // no result
        { "AARE", "6117A109060760857405080101A203020103A305A103020100", DlmsErrorReason.UnknownTag, 13 }, // result 3
        { "AARE", "6117A109060760857405080101A203020100A305A303020100", DlmsErrorReason.UnknownTag, 20 }, // source [3]
        { "AARE", "6117A109060760857405080101A203020100A305A10302010F", DlmsErrorReason.UnknownTag, 22 }, // user 15
        { "AARE", "6117A109060760857405080101A203020100A305A203020103", DlmsErrorReason.UnknownTag, 22 }, // provider 3
        { "AARE", "6117A109060760857405080101A305A103020100A203020100", DlmsErrorReason.Malformed, 20 }, // order
        { "InitiateRequest", "01000000065F1F0400007E1F04", DlmsErrorReason.Truncated, 12 },
        { "InitiateResponse", "08", DlmsErrorReason.Truncated, 1 },
        { "ConfirmedServiceError", "0E150601", DlmsErrorReason.UnknownTag, 1 },
    };

    [Theory]
    [MemberData(nameof(StructuralErrors))]
    public void Read_StructuralError_ThrowsWithOffset(string apdu, string hex, DlmsErrorReason reason, int offset)
    {
        AcseTestCodec.AssertFails(ReaderNamed(apdu), hex, reason, offset);
    }

    [Fact]
    public void Read_UnknownFieldNestedBeyondLimit_ThrowsNestingTooDeep()
    {
        // An ignorable [13] field holding 20 nested SEQUENCEs: well formed, but deeper than the reader allows.
        byte[] nested = [0x05, 0x00];
        for (var i = 0; i < 19; i++)
        {
            nested = [0x30, (byte)nested.Length, .. nested];
        }

        nested = [0xAD, (byte)nested.Length, .. nested];
        byte[] body = [.. Convert.FromHexString("A109060760857405080101"), .. nested];
        byte[] aarq = [0x60, (byte)body.Length, .. body];

        // The AARQ content is depth 1 and [13] depth 2, so the 15th SEQUENCE inside [13] is depth 17.
        AcseTestCodec.AssertFails(Aarq.Read, Convert.ToHexString(aarq), DlmsErrorReason.NestingTooDeep, 13 + (2 * 15));
    }

    [Fact]
    public void Read_ExternalAuthenticationValueNestedBeyondLimit_ThrowsNestingTooDeep()
    {
        byte[] nested = [0x05, 0x00];
        for (var i = 0; i < 30; i++)
        {
            nested = [0x30, (byte)nested.Length, .. nested];
        }

        byte[] external = [0xA2, (byte)nested.Length, .. nested];
        byte[] field = [0xAC, (byte)external.Length, .. external];
        byte[] body = [.. Convert.FromHexString("A109060760857405080101"), .. field];
        byte[] aarq = [0x60, 0x81, (byte)body.Length, .. body];

        var e = AcseTestCodec.DecodeFails(Aarq.Read, aarq);
        Assert.Equal(DlmsErrorReason.NestingTooDeep, e.Reason);
        Assert.Equal(0x30, aarq[e.Offset]);
    }

    [Fact]
    public void Read_EveryBitFlipOfEveryVector_DecodesOrThrowsFormatException()
    {
        // Exhaustive single-bit corruption: the decoders may accept (many bits are free data) but must never throw
        // anything but DlmsFormatException, and whatever they accept must re-encode to something that decodes equal.
        var vectors = AcseVectors.AllAcse.Concat(AcseVectors.AllXdlms).Concat([AcseVectors.AarqAllFields, AcseVectors.AareAllFields]);
        var accepted = 0;
        var rejected = 0;
        foreach (var hex in vectors)
        {
            var original = Convert.FromHexString(hex);
            for (var bit = 0; bit < original.Length * 8; bit++)
            {
                var bytes = (byte[])original.Clone();
                bytes[bit / 8] ^= (byte)(0x80 >> (bit % 8));
                if (TryDecode(bytes, out var apdu))
                {
                    accepted++;
                    Assert.Equal(apdu, Decode(apdu.ToArray()));
                    _ = apdu.ToString();
                    TryDecodeUserInformation(apdu);
                }
                else
                {
                    rejected++;
                }
            }
        }

        Assert.True(accepted > 0 && rejected > 0);
    }

    private static void TryDecodeUserInformation(Apdu apdu)
    {
        try
        {
            _ = apdu switch
            {
                Aarq a => a.DecodeUserInformation(),
                Aare a => a.DecodeUserInformation(),
                Rlrq r => r.DecodeUserInformation(),
                Rlre r => r.DecodeUserInformation(),
                _ => null,
            };
        }
        catch (DlmsFormatException)
        {
            // Corrupted or ciphered content is refused with a format exception; anything else fails the test.
        }
    }

    private static bool TryDecode(byte[] bytes, out Apdu apdu)
    {
        try
        {
            apdu = Decode(bytes);
            return true;
        }
        catch (DlmsFormatException)
        {
            apdu = null!;
            return false;
        }
    }

    private static Apdu Decode(byte[] bytes)
    {
        var reader = new AxdrReader(bytes);
        Apdu apdu = bytes.Length == 0 ? throw reader.Error(DlmsErrorReason.Truncated, "empty") : bytes[0] switch
        {
            Aarq.ApduTag => Aarq.Read(ref reader),
            Aare.ApduTag => Aare.Read(ref reader),
            Rlrq.ApduTag => Rlrq.Read(ref reader),
            Rlre.ApduTag => Rlre.Read(ref reader),
            InitiateRequest.ApduTag => InitiateRequest.Read(ref reader),
            InitiateResponse.ApduTag => InitiateResponse.Read(ref reader),
            ConfirmedServiceError.ApduTag => ConfirmedServiceError.Read(ref reader),
            _ => throw reader.Error(DlmsErrorReason.UnknownTag, "not an APDU of this folder"),
        };
        reader.EnsureAtEnd();
        return apdu;
    }

    private static ApduRead<Apdu> ReaderFor(byte tag) => tag switch
    {
        Aarq.ApduTag => Aarq.Read,
        Aare.ApduTag => Aare.Read,
        Rlrq.ApduTag => Rlrq.Read,
        Rlre.ApduTag => Rlre.Read,
        InitiateRequest.ApduTag => InitiateRequest.Read,
        InitiateResponse.ApduTag => InitiateResponse.Read,
        ConfirmedServiceError.ApduTag => ConfirmedServiceError.Read,
        _ => throw new ArgumentOutOfRangeException(nameof(tag)),
    };

    private static ApduRead<Apdu> ReaderNamed(string apdu) => apdu switch
    {
        "AARQ" => Aarq.Read,
        "AARE" => Aare.Read,
        "RLRQ" => Rlrq.Read,
        "RLRE" => Rlre.Read,
        "InitiateRequest" => InitiateRequest.Read,
        "InitiateResponse" => InitiateResponse.Read,
        "ConfirmedServiceError" => ConfirmedServiceError.Read,
        _ => throw new ArgumentOutOfRangeException(nameof(apdu)),
    };
}
