using Meterline.Dlms.Apdus;
using Meterline.Dlms.Axdr;

namespace Meterline.Dlms.Tests.Acse;

/// <summary>An APDU's internal Read method, which starts at the tag byte.</summary>
internal delegate T ApduRead<out T>(ref AxdrReader reader)
    where T : Apdu;

/// <summary>Decoding helpers standing in for the central codec in these tests.</summary>
internal static class AcseTestCodec
{
    /// <summary>Decodes a whole PDU and checks that every byte was consumed.</summary>
    public static T Decode<T>(ApduRead<T> read, byte[] bytes)
        where T : Apdu
    {
        var reader = new AxdrReader(bytes);
        var apdu = read(ref reader);
        reader.EnsureAtEnd();
        return apdu;
    }

    /// <summary>
    /// Expects the read to fail with a <see cref="DlmsFormatException"/> (any other exception fails the test) and
    /// checks that the reader was not advanced.
    /// </summary>
    public static DlmsFormatException DecodeFails<T>(ApduRead<T> read, byte[] bytes)
        where T : Apdu
    {
        var reader = new AxdrReader(bytes);
        try
        {
            read(ref reader);
        }
        catch (DlmsFormatException e)
        {
            Assert.Equal(0, reader.Position);
            Assert.InRange(e.Offset, 0, bytes.Length);
            return e;
        }

        Assert.Fail("The malformed input was accepted: " + Convert.ToHexString(bytes));
        return null!;
    }

    public static void AssertFails<T>(ApduRead<T> read, string hex, DlmsErrorReason reason, int offset)
        where T : Apdu
    {
        var e = DecodeFails(read, Convert.FromHexString(hex));
        Assert.Equal(reason, e.Reason);
        Assert.Equal(offset, e.Offset);
    }
}
