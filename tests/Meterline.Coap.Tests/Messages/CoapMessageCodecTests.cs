using System.Text;
using Meterline.Coap.Blockwise;
using Meterline.Coap.Messages;

namespace Meterline.Coap.Tests.Messages;

public sealed class CoapMessageCodecTests
{
    // RFC 7252 Appendix A, Figure 16: CON [0x7d34] GET /temperature, answered ACK [0x7d34] 2.05 "22.5 C".
    [Fact]
    public void Encode_Figure16GetTemperature_MatchesRfcBytes()
    {
        var request = new CoapMessage { Type = CoapMessageType.Confirmable, Code = CoapCode.Get, MessageId = 0x7d34, Options = [.. CoapMessage.PathOptions("/temperature")] };
        var response = new CoapMessage { Type = CoapMessageType.Acknowledgement, Code = CoapCode.Content, MessageId = 0x7d34, Payload = Encoding.ASCII.GetBytes("22.5 C") };

        Assert.Equal("40017D34BB" + Convert.ToHexString(Encoding.ASCII.GetBytes("temperature")), Convert.ToHexString(CoapMessageWriter.Encode(request)));
        Assert.Equal("60457D34FF" + Convert.ToHexString(Encoding.ASCII.GetBytes("22.5 C")), Convert.ToHexString(CoapMessageWriter.Encode(response)));
    }

    // RFC 7252 Appendix A, Figure 17: the same exchange with the 1-byte token 0x20.
    [Fact]
    public void Decode_Figure17WithToken_ReadsEveryField()
    {
        var bytes = Convert.FromHexString("41017D3420BB" + Convert.ToHexString(Encoding.ASCII.GetBytes("temperature")));

        var message = CoapMessageReader.Read(bytes);

        Assert.Equal(CoapMessageType.Confirmable, message.Type);
        Assert.Equal(CoapCode.Get, message.Code);
        Assert.Equal(0x7d34, message.MessageId);
        Assert.Equal([0x20], message.Token.ToArray());
        Assert.Equal("/temperature", message.UriPath);
        Assert.True(message.Payload.IsEmpty);
        Assert.Equal(bytes, CoapMessageWriter.Encode(message));
    }

    // RFC 7252 Appendix A, Figure 19: a separate response begins with an Empty ACK.
    [Fact]
    public void Encode_EmptyAcknowledgement_IsFourBytes()
    {
        Assert.Equal("60007D34", Convert.ToHexString(CoapMessageWriter.Encode(CoapMessage.Empty(CoapMessageType.Acknowledgement, 0x7d34))));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(12, 0)]
    [InlineData(13, 1)]
    [InlineData(268, 1)]
    [InlineData(269, 2)]
    [InlineData(1034, 2)]
    public void RoundTrip_OptionLengthExtensions_Preserved(int valueLength, int extensionBytes)
    {
        var value = Enumerable.Range(0, valueLength).Select(i => (byte)i).ToArray();
        var message = new CoapMessage { Type = CoapMessageType.NonConfirmable, Code = CoapCode.Post, Token = new byte[] { 1, 2, 3 }, Options = [new CoapOption(CoapOptionNumber.ProxyUri, value)] };

        var bytes = CoapMessageWriter.Encode(message);
        var decoded = CoapMessageReader.Read(bytes, new CoapLimits { MaxMessageSize = 2000 });

        Assert.Equal(4 + 3 + 1 + 1 + extensionBytes + valueLength, bytes.Length); // delta 35 needs a 1-byte extension
        Assert.Equal(value, decoded.GetOption(CoapOptionNumber.ProxyUri)!.Value.Value.ToArray());
    }

    [Fact]
    public void RoundTrip_ManyOptionsOutOfOrder_SortedStablyAndPreserved()
    {
        var message = new CoapMessage
        {
            Type = CoapMessageType.Confirmable,
            Code = CoapCode.Post,
            MessageId = 7,
            Token = new byte[] { 9, 8, 7, 6, 5, 4, 3, 2 },
            Options =
            [
                CoapOption.FromUInt(CoapOptionNumber.Size1, 100_000),
                CoapOption.FromString(CoapOptionNumber.UriPath, "m"),
                CoapOption.FromUInt(CoapOptionNumber.ContentFormat, CoapContentFormat.OctetStream),
                CoapOption.FromString(CoapOptionNumber.UriPath, "MTL0001"),
                new BlockOption(3, true, 6).ToOption(CoapOptionNumber.Block1),
                new CoapOption(2000, new byte[] { 1 }),
            ],
            Payload = new byte[] { 0xAA, 0xBB },
        };

        var decoded = CoapMessageReader.Read(CoapMessageWriter.Encode(message));

        Assert.Equal("/m/MTL0001", decoded.UriPath);
        Assert.Equal(CoapContentFormat.OctetStream, decoded.ContentFormat);
        Assert.Equal(100_000u, decoded.Size1);
        Assert.Equal(new BlockOption(3, true, 6), decoded.Block1);
        Assert.Equal([11, 11, 12, 27, 60, 2000], decoded.Options.Select(o => (int)o.Number));
        Assert.Equal(CoapMessageWriter.Encode(message), CoapMessageWriter.Encode(decoded));
    }

    [Fact]
    public void Encode_IntoASpanWithOptionsOutOfOrder_AllocatesNothing()
    {
        var message = new CoapMessage
        {
            Type = CoapMessageType.Confirmable,
            Code = CoapCode.Post,
            MessageId = 7,
            Token = new byte[] { 1, 2, 3, 4 },
            Options =
            [
                CoapOption.FromUInt(CoapOptionNumber.ContentFormat, CoapContentFormat.OctetStream),
                CoapOption.FromString(CoapOptionNumber.UriPath, "dlms"),
                new BlockOption(0, true, 6).ToOption(CoapOptionNumber.Block1),
                CoapOption.FromString(CoapOptionNumber.UriPath, "up"),
            ],
            Payload = new byte[64],
        };
        var destination = new byte[256];
        var expected = CoapMessageWriter.Encode(message, destination);

        var written = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            written += CoapMessageWriter.Encode(message, destination);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(100 * expected, written);
        Assert.Equal("/dlms/up", CoapMessageReader.Read(destination.AsMemory(0, expected)).UriPath);
    }

    [Theory]
    [InlineData(9)]
    [InlineData(12)]
    [InlineData(15)]
    public void Read_ReservedTokenLength_FormatErrorWithHeader(int tokenLength)
    {
        var bytes = new byte[4 + 15];
        bytes[0] = (byte)(0x40 | tokenLength);
        bytes[1] = 0x02;
        bytes[2] = 0x12;
        bytes[3] = 0x34;

        var error = Assert.Throws<CoapFormatException>(() => CoapMessageReader.Read(bytes));

        Assert.Equal(0x1234, error.Header!.Value.MessageId);
        Assert.Equal(CoapMessageType.Confirmable, error.Header.Value.Type);
    }

    [Theory]
    [InlineData("40017D34F0", 4)] // option delta nibble 15 without the payload marker
    [InlineData("40017D340F", 4)] // option length nibble 15
    [InlineData("40017D34D0", 5)] // delta 13 with its extension byte missing
    [InlineData("40017D34E000", 5)] // delta 14 with one of its two extension bytes
    [InlineData("40017D34B474", 5)] // Uri-Path of 4 bytes with 1 present
    [InlineData("40017D34FF", 4)] // payload marker with no payload
    [InlineData("40007D34FF00", 4)] // an Empty message with bytes after the header
    public void Read_MalformedOptionsOrPayload_FormatErrorAtOffset(string hex, int offset)
    {
        var error = Assert.Throws<CoapFormatException>(() => CoapMessageReader.Read(Convert.FromHexString(hex)));

        Assert.Equal(offset, error.Offset);
        Assert.NotNull(error.Header);
    }

    [Theory]
    [InlineData("")]
    [InlineData("400100")]
    [InlineData("80017D34")] // version 2: silently ignored, no header to answer
    public void Read_NoVersion1Header_FormatErrorWithoutHeader(string hex)
    {
        var error = Assert.Throws<CoapFormatException>(() => CoapMessageReader.Read(Convert.FromHexString(hex)));

        Assert.Null(error.Header);
    }

    [Fact]
    public void Read_AboveLimits_FormatError()
    {
        var tooMany = new CoapMessage { Code = CoapCode.Get, Options = [.. Enumerable.Range(0, 5).Select(_ => CoapOption.FromString(CoapOptionNumber.UriPath, "a"))] };
        var tooLong = new CoapMessage { Code = CoapCode.Post, Payload = new byte[200] };

        Assert.Throws<CoapFormatException>(() => CoapMessageReader.Read(CoapMessageWriter.Encode(tooMany), new CoapLimits { MaxOptions = 4 }));
        Assert.Throws<CoapFormatException>(() => CoapMessageReader.Read(CoapMessageWriter.Encode(tooLong), new CoapLimits { MaxMessageSize = 100 }));
        Assert.Throws<CoapFormatException>(() => CoapMessageReader.Read(CoapMessageWriter.Encode(tooMany), new CoapLimits { MaxOptionLength = 0 }));
    }

    [Theory]
    [InlineData(1, true, false, false)] // If-Match
    [InlineData(3, true, true, false)] // Uri-Host
    [InlineData(4, false, false, false)] // ETag
    [InlineData(14, false, true, false)] // Max-Age
    [InlineData(28, false, false, true)] // Size2
    [InlineData(60, false, false, true)] // Size1
    [InlineData(27, true, true, false)] // Block1
    public void OptionProperties_RegisteredNumbers_MatchRfcTable(int number, bool critical, bool unsafeToForward, bool noCacheKey)
    {
        Assert.Equal(critical, CoapOptionProperties.IsCritical(number));
        Assert.Equal(unsafeToForward, CoapOptionProperties.IsUnsafe(number));
        Assert.Equal(noCacheKey, !unsafeToForward && CoapOptionProperties.IsNoCacheKey(number));
        Assert.True(CoapOptionProperties.IsRecognized(number));
    }

    [Theory]
    [InlineData("", 0u, false, 16)]
    [InlineData("0E", 0u, true, 1024)]
    [InlineData("16", 1u, false, 1024)]
    [InlineData("FFFFFE", 0xFFFFFu, true, 1024)]
    public void BlockOption_Values_DecodeAndEncodeBack(string hex, uint number, bool more, int size)
    {
        var block = BlockOption.Decode(Convert.FromHexString(hex));

        Assert.Equal(new BlockOption(number, more, BlockOption.ExponentOf(size)), block);
        Assert.Equal(hex, Convert.ToHexString(block.ToOption(CoapOptionNumber.Block2).Value.Span));
    }

    [Fact]
    public void BlockOption_ReservedSzx7_FormatError()
    {
        Assert.Throws<CoapFormatException>(() => BlockOption.Decode([0x07]));
        Assert.Throws<CoapFormatException>(() => BlockOption.Decode([1, 2, 3, 4]));
    }

    [Fact]
    public void Code_Classes_PrintAsRfc()
    {
        Assert.Equal("2.04", CoapCode.Changed.ToString());
        Assert.Equal("4.13", CoapCode.RequestEntityTooLarge.ToString());
        Assert.Equal(0x44, CoapCode.Changed.Value);
        Assert.True(CoapCode.Post.IsRequest);
        Assert.False(CoapCode.Empty.IsRequest);
    }
}
