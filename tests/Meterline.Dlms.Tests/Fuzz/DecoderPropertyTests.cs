using System.Buffers;
using Meterline.Dlms.Acse;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Cosem;
using Meterline.Dlms.Hdlc;
using Meterline.Dlms.Tests.Support;
using Meterline.Dlms.Wrapper;

namespace Meterline.Dlms.Tests.Fuzz;

/// <summary>
/// The fuzz targets' properties (fuzz/Meterline.Fuzz, docs/fuzzing.md) on 10,000 deterministic mutations of the
/// published vectors each: a decoder accepts an input or refuses it with <see cref="DlmsFormatException"/> at an
/// offset inside the input, what it accepts survives an encode/decode round trip, and stream readers always progress.
/// </summary>
public class DecoderPropertyTests
{
    private static readonly byte[][] AxdrSeeds =
    [
        Convert.FromHexString("020909060000010000FF060001E24010FFFD0A0B4D545230303030303030310101020211011200E61907EA0301070C1E0000FEB600161B0403A003FF"),
        Convert.FromHexString("020509060000190900FF090B4D5452303030303030303101020205090C07EA0301070C000000FEB6001208FD120200060000007806000000000205090C07EA0301070C1E0000FEB6001208FA1201F206000000760600000000060012D6870600000000"),
        Convert.FromHexString("1100"),
        Convert.FromHexString("09060000010000FF"),
    ];

    private static readonly byte[][] ApduSeeds =
    [
        Convert.FromHexString("C0010000080000010000FF0200"),
        Convert.FromHexString("C81E3001234567411312FF935A47566827C467BC7D825C3BE4A77C3FCC056B6B"),
        Convert.FromHexString("21303001234567801302FF8A7874133D414CED25B42534D28DB0047720606B175BD52211BE6841DB204D39EE6FDB8E356855"),
        Convert.FromHexString("6066A109060760857405080103A60A04084D4D4D0000BC614E8A0207808B0760857405080201AC0A80083132333435363738BE34043221303001234567801302FF8A7874133D414CED25B42534D28DB0047720606B175BD52211BE6841DB204D39EE6FDB8E356855"),
        Convert.FromHexString("01011000112233445566778899AABBCCDDEEFF0000065F1F0400007E1F04B0"),
        Convert.FromHexString("0F8000000800020909060004190900FF090B4D54523030303030303031090C07EA0301070C1E0000FEB6001200C91208FC060000020006000001F4120000060012D687"),
    ];

    private static readonly byte[][] HdlcSeeds =
    [
        Convert.FromHexString("7EA00802232193BD647E"),
        Convert.FromHexString("7EA01F21022373E6C781801205019A06019A070400000001080400000001CCA27E"),
    ];

    [Fact]
    public async Task CosemDataDecode_MutatedVectors_RefuseWithFormatErrorOrRoundTrip()
    {
        await InputMutator.CheckAsync(AxdrSeeds, input =>
        {
            CosemData value;
            try
            {
                value = CosemDataCodec.Decode(input);
            }
            catch (DlmsFormatException e)
            {
                Assert.InRange(e.Offset, 0, input.Length);
                return;
            }

            Assert.Equal(value, CosemDataCodec.Decode(CosemDataCodec.Encode(value)));
        }, seed: 1001);
    }

    [Fact]
    public async Task ApduDecode_MutatedVectors_RefuseWithFormatErrorOrRoundTrip()
    {
        await InputMutator.CheckAsync(ApduSeeds, input =>
        {
            Apdu apdu;
            try
            {
                apdu = ApduCodec.Decode(input);
            }
            catch (DlmsFormatException e)
            {
                Assert.InRange(e.Offset, 0, input.Length);
                return;
            }

            Assert.Equal(apdu, ApduCodec.Decode(ApduCodec.Encode(apdu)));
            try
            {
                _ = apdu switch
                {
                    Aarq aarq when !aarq.IsUserInformationCiphered => aarq.DecodeUserInformation(),
                    Aare aare => aare.DecodeUserInformation(),
                    _ => null,
                };
            }
            catch (DlmsFormatException)
            {
                // A malformed user-information is refused like the APDU.
            }
        }, seed: 1002);
    }

    [Fact]
    public async Task HdlcFrameReader_MutatedStreams_NeverThrowsAndAlwaysProgresses()
    {
        byte[][] seeds = [.. HdlcSeeds, [.. HdlcSeeds[0], .. HdlcSeeds[1]]];
        await InputMutator.CheckAsync(seeds, input =>
        {
            var reader = new HdlcFrameReader();
            for (var split = 0; split <= input.Length; split += Math.Max(1, input.Length / 3))
            {
                var buffer = Segments.SplitAt(input, split);
                while (reader.TryRead(ref buffer, out var frame))
                {
                    try
                    {
                        _ = HdlcParameters.Decode(frame.Information.Span);
                    }
                    catch (DlmsFormatException)
                    {
                        // Not a parameter field.
                    }
                }
            }
        }, seed: 1003);
    }

    [Fact]
    public async Task Wrapper_MutatedDatagramsAndStreams_RefuseWithFormatErrorOrRoundTrip()
    {
        byte[][] seeds = [.. ApduSeeds.Take(3).Select(a => new WrapperFrame(1, 1, a).ToArray())];
        await InputMutator.CheckAsync(seeds, input =>
        {
            try
            {
                var frame = WrapperFrame.DecodeDatagram(input);
                Assert.Equal(frame, WrapperFrame.DecodeDatagram(frame.ToArray()));
            }
            catch (DlmsFormatException e)
            {
                Assert.InRange(e.Offset, 0, input.Length);
            }

            var reader = new WrapperFrameReader(64);
            var buffer = Segments.SplitAt(input, input.Length / 2);
            var before = buffer.Length;
            while (reader.TryRead(ref buffer, out _))
            {
                Assert.True(buffer.Length < before, "the reader returned a frame without consuming input");
                before = buffer.Length;
            }
        }, seed: 1004);
    }
}
