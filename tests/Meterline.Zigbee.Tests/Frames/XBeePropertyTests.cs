using System.Buffers;
using Meterline.Dlms.Tests.Support;
using Meterline.Zigbee.Frames;

namespace Meterline.Zigbee.Tests.Frames;

/// <summary>
/// The xbee fuzz target's properties (docs/fuzzing.md) on 10,000 deterministic mutations of the published frames, in
/// API mode 1 and 2: the reader never throws and always consumes what it returns, and frame data decodes or is refused
/// with <see cref="XBeeFrameFormatException"/>.
/// </summary>
public class XBeePropertyTests
{
    [Theory]
    [InlineData(XBeeApiMode.Api, 2001)]
    [InlineData(XBeeApiMode.ApiEscaped, 2002)]
    public async Task XBeeFrameReader_MutatedStreams_NeverThrowsAndAlwaysProgresses(XBeeApiMode mode, int seed)
    {
        byte[][] seeds = mode == XBeeApiMode.Api
            ? [Hex.Bytes("7E000408014E495F"), Hex.Bytes("7E001210010013A20040A1B2C3FFFE00007E7D1113C7")]
            : [Hex.Bytes("7E000408014E495F"), Hex.Bytes("7E00121001007D33A20040A1B2C3FFFE00007D5E7D5D7D317D33C7")];
        await InputMutator.CheckAsync(seeds, input =>
        {
            var reader = new XBeeFrameReader(mode, 128);
            var buffer = Segments.Of(input, 1 + (input.Length / 3));
            var before = buffer.Length;
            while (reader.TryRead(ref buffer, out _))
            {
                Assert.True(buffer.Length < before, "the reader returned a frame without consuming input");
                before = buffer.Length;
            }

            try
            {
                _ = XBeeFrameCodec.Decode(input.AsSpan(Math.Min(3, input.Length)));
            }
            catch (XBeeFrameFormatException)
            {
                // Refused frame data.
            }
        }, seed);
    }
}
