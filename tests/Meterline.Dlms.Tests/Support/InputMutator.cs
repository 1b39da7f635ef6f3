namespace Meterline.Dlms.Tests.Support;

/// <summary>
/// A small deterministic mutator in the manner of a fuzzer's havoc stage, so the test suite keeps exercising the
/// decoders without AFL++: from a fixed seed, each input is a valid seed with one to four mutations (bit flips,
/// boundary bytes, length-field values, insertions, deletions, truncation, splices with another seed). A failing
/// check is reported with the input's hex, ready to become a regression test. Linked into the other decoders' test
/// projects (docs/fuzzing.md).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5394", Justification = "A seeded Random makes the mutations repeatable, so a failing input can be replayed; nothing here is secret.")]
internal static class InputMutator
{
    public const int DefaultCount = 10_000;

    private static readonly byte[] Boundaries = [0x00, 0x01, 0x02, 0x7E, 0x7F, 0x80, 0x81, 0x82, 0xFE, 0xFF];

    /// <summary>Runs <paramref name="check"/> on <paramref name="count"/> mutations of <paramref name="seeds"/>, off the test thread and bounded in time.</summary>
    public static async Task CheckAsync(IReadOnlyList<byte[]> seeds, Action<byte[]> check, int seed, int count = DefaultCount)
    {
        ArgumentOutOfRangeException.ThrowIfZero(seeds.Count);
        await Task.Run(() =>
        {
            var random = new Random(seed);
            foreach (var s in seeds)
            {
                Check(check, s);
            }

            for (var i = 0; i < count; i++)
            {
                Check(check, Mutate(seeds, random));
            }
        }).WaitAsync(TimeSpan.FromMinutes(3));
    }

    public static byte[] Mutate(IReadOnlyList<byte[]> seeds, Random random)
    {
        var input = new List<byte>(seeds[random.Next(seeds.Count)]);
        var steps = 1 + random.Next(4);
        for (var step = 0; step < steps; step++)
        {
            var at = input.Count == 0 ? 0 : random.Next(input.Count);
            switch (random.Next(8))
            {
                case 0 when input.Count > 0:
                    input[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1 when input.Count > 0:
                    input[at] = Boundaries[random.Next(Boundaries.Length)];
                    break;
                case 2 when input.Count > 1:
                    var wide = random.Next(3) switch { 0 => (ushort)0xFFFF, 1 => (ushort)0x0000, _ => (ushort)random.Next(0x10000) };
                    at = Math.Min(at, input.Count - 2);
                    input[at] = (byte)(wide >> 8);
                    input[at + 1] = (byte)wide;
                    break;
                case 3:
                    var inserted = new byte[1 + random.Next(8)];
                    random.NextBytes(inserted);
                    input.InsertRange(at, inserted);
                    break;
                case 4 when input.Count > 0:
                    input.RemoveRange(at, Math.Min(1 + random.Next(8), input.Count - at));
                    break;
                case 5 when input.Count > 0:
                    input.RemoveRange(at, input.Count - at);
                    break;
                case 6:
                    var other = seeds[random.Next(seeds.Count)];
                    if (other.Length > 0)
                    {
                        var from = random.Next(other.Length);
                        input.InsertRange(at, other.AsSpan(from, Math.Min(1 + random.Next(16), other.Length - from)).ToArray());
                    }

                    break;
                default:
                    if (input.Count > 0)
                    {
                        input[at] = (byte)random.Next(256);
                    }

                    break;
            }
        }

        return [.. input];
    }

    private static void Check(Action<byte[]> check, byte[] input)
    {
        try
        {
            check(input);
        }
        catch (Exception e)
        {
            throw new InvalidOperationException($"Input {Convert.ToHexString(input)} broke the decoder: {e.GetType().Name}: {e.Message}", e);
        }
    }
}
