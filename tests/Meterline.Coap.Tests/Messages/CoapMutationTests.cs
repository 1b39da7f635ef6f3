using Meterline.Coap.Messages;
using Meterline.Dlms.Tests.Support;

namespace Meterline.Coap.Tests.Messages;

/// <summary>
/// The coap fuzz target's properties (docs/fuzzing.md) on 10,000 deterministic mutations of well-formed messages:
/// <see cref="CoapMessageReader.Read"/> accepts or throws <see cref="CoapFormatException"/>, and
/// <see cref="CoapMessageReader.TryRead"/> agrees with it.
/// </summary>
public sealed class CoapMutationTests
{
    [Fact]
    public async Task Read_MutatedMessages_RefuseWithFormatErrorAndAgreeWithTryRead()
    {
        byte[][] seeds =
        [
            Convert.FromHexString("44011234AABBCCDDB27570FF010203"),
            Convert.FromHexString("60451234"),
            Convert.FromHexString("5202ABCD0102B275703D0362617262060A"),
        ];
        await InputMutator.CheckAsync(seeds, input =>
        {
            var tried = CoapMessageReader.TryRead(input, null, out var message, out var error);
            try
            {
                _ = CoapMessageReader.Read(input);
                Assert.True(tried);
                Assert.NotNull(message);
            }
            catch (CoapFormatException)
            {
                Assert.False(tried);
                Assert.NotNull(error);
            }
        }, seed: 3001);
    }
}
