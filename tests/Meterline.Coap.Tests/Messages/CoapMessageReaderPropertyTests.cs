using CsCheck;
using Meterline.Coap.Messages;

namespace Meterline.Coap.Tests.Messages;

public sealed class CoapMessageReaderPropertyTests
{
    private static readonly CoapLimits Limits = new() { MaxMessageSize = 1152, MaxOptions = 16, MaxOptionLength = 300 };

    [Fact]
    public void Read_RandomBytes_OnlyCoapFormatExceptionAndBounded()
    {
        Gen.Byte.Array[0, 1300].Sample(bytes =>
        {
            try
            {
                var message = CoapMessageReader.Read(bytes, Limits);
                Assert.True(message.Options.Count <= Limits.MaxOptions);
                Assert.All(message.Options, o => Assert.True(o.Value.Length <= Limits.MaxOptionLength));
                Assert.True(bytes.Length <= Limits.MaxMessageSize);
            }
            catch (CoapFormatException)
            {
            }
        }, iter: 20_000);
    }

    [Fact]
    public void Read_RandomVersion1Headers_OnlyCoapFormatException()
    {
        // Biased towards valid headers so the option parser is exercised, not just the version check.
        var gen = Gen.Select(Gen.Byte[0, 8], Gen.Byte, Gen.Byte.Array[0, 200], (tkl, code, rest) => (byte[])[(byte)(0x40 | tkl), code, 0, 1, .. rest]);
        gen.Sample(bytes =>
        {
            try
            {
                var message = CoapMessageReader.Read(bytes, Limits);
                Assert.Equal(bytes, CoapMessageWriter.Encode(message));
            }
            catch (CoapFormatException)
            {
            }
        }, iter: 20_000);
    }

    [Fact]
    public void Read_RandomMessages_RoundTripByteForByte()
    {
        var option = Gen.Select(Gen.UShort[0, 3000], Gen.Byte.Array[0, 40], (n, v) => new CoapOption(n, v));
        var gen = Gen.Select(Gen.Enum<CoapMessageType>(), Gen.Byte[1, 255], Gen.UShort, Gen.Byte.Array[0, 8], option.Array[0, 10], Gen.Byte.Array[0, 300],
            (t, c, id, token, options, payload) => new CoapMessage { Type = t, Code = new CoapCode(c), MessageId = id, Token = token, Options = options, Payload = payload });
        gen.Sample(message =>
        {
            var bytes = CoapMessageWriter.Encode(message);
            var decoded = CoapMessageReader.Read(bytes, new CoapLimits { MaxMessageSize = 4000 });
            Assert.Equal(bytes, CoapMessageWriter.Encode(decoded));
            Assert.Equal(message.Options.OrderBy(o => o.Number).Select(o => (o.Number, Convert.ToHexString(o.Value.Span))), decoded.Options.Select(o => (o.Number, Convert.ToHexString(o.Value.Span))));
        }, iter: 5_000);
    }

    [Fact]
    public void Read_LargestDatagram_AllocatesOnlyTheOptionsList()
    {
        var message = new CoapMessage { Code = CoapCode.Post, Token = new byte[8], Options = [.. Enumerable.Range(0, 16).Select(_ => CoapOption.FromString(CoapOptionNumber.UriQuery, "q"))], Payload = new byte[1000] };
        var bytes = CoapMessageWriter.Encode(message);
        CoapMessageReader.Read(bytes, Limits);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var decoded = CoapMessageReader.Read(bytes, Limits);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(16, decoded.Options.Count);
        Assert.True(allocated < 2048, $"{allocated} bytes allocated to read a {bytes.Length}-byte datagram");
    }
}
