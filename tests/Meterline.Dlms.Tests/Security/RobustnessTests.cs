using CsCheck;
using Meterline.Dlms.Axdr;
using Meterline.Dlms.Security;

namespace Meterline.Dlms.Tests.Security;

public class RobustnessTests
{
    private delegate void ReadApdu(ref AxdrReader reader);

    public static TheoryData<string, string> ValidEncodings => new()
    {
        { "ciphered", GreenBookVectors.V1 },
        { "ciphered", GreenBookVectors.V4 },
        { "general-glo", "DB084D4D4D0000BC614E1E3001234567411312FF935A47566827C467BC7D825C3BE4A77C3FCC056B6B" },
        { "general-ded", "DC00053000000001" },
        { "general", "DD080102030405060708084D4D4D0000BC614E084D4D4D000000000100000101001801020304050607080910111213141516171819202122232405300000000A" },
        { "general", "DD00084D4D4D0000BC614E0000000102010102AABB053000000001" },
        { "signing", "DF00084D4D4D0000000001000000" + "02C000" + "40" + "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000" },
    };

    [Theory]
    [MemberData(nameof(ValidEncodings))]
    public void Read_EveryStrictPrefix_ThrowsFormatErrorWithinTheInput(string kind, string hex)
    {
        var bytes = Convert.FromHexString(hex);
        Read(kind, bytes); // the whole encoding reads

        for (var length = 0; length < bytes.Length; length++)
        {
            var prefix = bytes[..length];
            var ex = Assert.Throws<DlmsFormatException>(() => Read(kind, prefix));
            Assert.InRange(ex.Offset, 0, length);
            Assert.Contains(ex.Reason, new[] { DlmsErrorReason.Truncated, DlmsErrorReason.LengthOutOfRange });
        }
    }

    [Theory]
    [InlineData("ciphered")]
    [InlineData("general-glo")]
    [InlineData("general-ded")]
    [InlineData("general")]
    [InlineData("signing")]
    public void Read_RandomBytes_ThrowsOnlyFormatErrors(string kind)
    {
        var first = kind switch
        {
            "ciphered" => Gen.Int[0, 4].Select(i => new byte[] { 0xC8, 0xCC, 0xD0, 0x21, 0x2E }[i]),
            "general-glo" => Gen.Const<byte>(0xDB),
            "general-ded" => Gen.Const<byte>(0xDC),
            "general" => Gen.Const<byte>(0xDD),
            _ => Gen.Const<byte>(0xDF),
        };

        Gen.Select(first, Gen.Byte.Array[0, 60]).Sample((tag, body) =>
        {
            byte[] bytes = [tag, .. body];
            try
            {
                Read(kind, bytes);
            }
            catch (DlmsFormatException ex)
            {
                Assert.InRange(ex.Offset, 0, bytes.Length);
            }
        });
    }

    [Fact]
    public void TryUnprotect_RandomContent_ReturnsFalseOrThrowsDlmsErrorsOnly()
    {
        using var cipher = GreenBookVectors.CreateCipher();
        var destination = new byte[128];

        Gen.Byte.Array[0, 80].Sample(content =>
        {
            try
            {
                Assert.False(cipher.TryUnprotect(content, GreenBookVectors.ServerSystemTitle, destination, out _));
            }
            catch (DlmsException)
            {
                // Truncated, reserved suite, compression, unauthenticated: all refused with a DLMS reason.
            }
        });
    }

    private static void Read(string kind, byte[] bytes)
    {
        var reader = new AxdrReader(bytes);
        switch (kind)
        {
            case "ciphered":
                CipheredApdu.Read(ref reader);
                break;
            case "general-glo":
                GeneralGloCiphering.Read(ref reader);
                break;
            case "general-ded":
                GeneralDedCiphering.Read(ref reader);
                break;
            case "general":
                GeneralCiphering.Read(ref reader);
                break;
            default:
                GeneralSigning.Read(ref reader);
                break;
        }

        reader.EnsureAtEnd();
    }
}
