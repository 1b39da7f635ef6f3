namespace Meterline.Meter.Metrology;

/// <summary>
/// Seeded, counter-based pseudo-random numbers for the physics of the simulation (appliances switching, grid noise):
/// the SplitMix64 generator and its finaliser as a hash of (seed, counters). It models physics, not security: never
/// use it for keys, nonces or challenges (those come only from RandomNumberGenerator). It is used instead of
/// <see cref="System.Random"/> because its numbers are fixed by this file, not by a runtime version (the algorithm of
/// a seeded <see cref="System.Random"/> is not specified), and because hashing lets the load and the grid be pure
/// functions of (seed, time).
/// </summary>
internal struct SimulationRandom
{
    private const ulong Golden = 0x9E3779B97F4A7C15UL;
    private ulong _state;

    public SimulationRandom(ulong seed) => _state = seed;

    /// <summary>The SplitMix64 finaliser: a bijective avalanche of 64 bits.</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public static ulong Hash(ulong a, ulong b) => Mix(Mix(a + Golden) ^ (b * Golden + 0x632BE59BD9B4E019UL));

    public static ulong Hash(ulong a, ulong b, ulong c) => Hash(Hash(a, b), c);

    /// <summary>A uniform double in [0, 1) from the top 53 bits.</summary>
    public static double ToUnit(ulong bits) => (bits >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniform double in [−1, 1).</summary>
    public static double ToSigned(ulong bits) => (2.0 * ToUnit(bits)) - 1.0;

    public ulong NextUInt64()
    {
        _state += Golden;
        return Mix(_state);
    }

    public double NextDouble() => ToUnit(NextUInt64());

    /// <summary>A uniform double in [<paramref name="min"/>, <paramref name="max"/>).</summary>
    public double NextDouble(double min, double max) => min + ((max - min) * NextDouble());

    /// <summary>A uniform integer in [<paramref name="min"/>, <paramref name="max"/>] (inclusive).</summary>
    public int NextInt(int min, int max) => min + (int)(NextDouble() * (max - min + 1));
}
