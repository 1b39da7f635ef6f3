using Meterline.Dlms.Tests.Support;
using Meterline.HeadEnd.Mqtt.Framing;

namespace Meterline.HeadEnd.Mqtt.Tests;

/// <summary>
/// The mqtt-guard fuzz target's properties (docs/fuzzing.md) on 10,000 deterministic mutations of a CONNECT, PUBLISH
/// and PINGREQ stream: the guard never throws, never passes more than it was given, and always progresses.
/// </summary>
public class MqttStreamGuardPropertyTests
{
    [Fact]
    public async Task Inspect_MutatedStreams_NeverThrowsAndPassesOnlyWhatItWasGiven()
    {
        byte[][] seeds =
        [
            Convert.FromHexString("101000044D5154540402003C000474657374300700027570010203C000"),
            Convert.FromHexString("101000044D5154540402003C000474657374C000"),
        ];
        await InputMutator.CheckAsync(seeds, input =>
        {
            var guard = new MqttStreamGuard(new MqttStreamGuardOptions());
            ReadOnlySpan<byte> rest = input;
            var chunk = 1 + (input.Length / 4);
            for (var round = 0; !rest.IsEmpty; round++)
            {
                Assert.True(round <= (input.Length * 2) + 4, "the guard makes no progress");
                var take = rest[..Math.Min(chunk, rest.Length)];
                var result = guard.Inspect(take);
                if (result.Status == MqttGuardStatus.Violation)
                {
                    return;
                }

                Assert.InRange(result.Passable, 0, take.Length);
                if (result.Status == MqttGuardStatus.Hold)
                {
                    guard.Authenticated();
                    rest = rest[result.Passable..];
                    continue;
                }

                rest = rest[take.Length..];
            }
        }, seed: 5001);
    }
}
