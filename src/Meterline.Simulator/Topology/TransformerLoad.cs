using Meterline.Meter.Metrology;

namespace Meterline.Simulator.Topology;

/// <summary>
/// What a transformer's meter measures: the sum of the TRUE demand of its consumers' households — what they really
/// draw, whatever their own meters register (a bypass, a magnet or a reversed meter hides energy from the consumer's
/// meter, never from the transformer) — plus the technical loss between the two, a share of that sum varying from
/// minute to minute (seeded). It holds its own <see cref="HouseholdLoadModel"/> for each consumer, built from the
/// same household profiles as the consumers' meters: the models are pure functions of (seed, time), so the transformer
/// sees exactly what the consumers draw without touching their meters, and stepping either never changes the other.
/// </summary>
/// <remarks>
/// Powers are at nominal voltage; the meter scales them with its supply, which is the consumers' (the fleet's grid
/// seed), so the sum scales exactly as the consumers' own loads do. A consumer's outage or open relay is not
/// subtracted: the simulator's theft runs have neither. Not thread-safe, like the household models (the meter calls
/// it under its lock).
/// </remarks>
public sealed class TransformerLoad : ILoadSource
{
    private readonly HouseholdLoadModel[] _consumers;
    private readonly double _loss;
    private readonly double _noise;
    private readonly ulong _seed;

    /// <param name="consumers">The households behind the transformer.</param>
    /// <param name="technicalLoss">The mean loss as a share of the consumers' demand, [0, 0.5).</param>
    /// <param name="lossNoise">The loss's per-minute variation (± this share), at most <paramref name="technicalLoss"/>.</param>
    /// <param name="seed">Seeds the loss's variation.</param>
    public TransformerLoad(IEnumerable<HouseholdProfile> consumers, double technicalLoss, double lossNoise, int seed)
    {
        ArgumentNullException.ThrowIfNull(consumers);
        if (!(technicalLoss is >= 0 and < 0.5) || !(lossNoise >= 0 && lossNoise <= technicalLoss))
        {
            throw new ArgumentOutOfRangeException(nameof(technicalLoss), "The loss is from 0 to 0.5, its noise at most the loss.");
        }

        _consumers = [.. consumers.Select(p => new HouseholdLoadModel(p))];
        _loss = technicalLoss;
        _noise = lossNoise;
        _seed = (ulong)(uint)seed;
    }

    /// <summary>How many households it sums.</summary>
    public int ConsumerCount => _consumers.Length;

    /// <summary>The consumers' true demand at <paramref name="localTime"/>, without the loss.</summary>
    public HouseholdLoad ConsumersLoad(DateTimeOffset localTime)
    {
        double active = 0, reactive = 0;
        foreach (var consumer in _consumers)
        {
            var load = consumer.Load(localTime);
            active += load.ActiveWatts;
            reactive += load.ReactiveVar;
        }

        return new HouseholdLoad(active, reactive);
    }

    /// <summary>The technical loss share in force at <paramref name="localTime"/> (constant within a minute).</summary>
    public double LossShare(DateTimeOffset localTime)
    {
        var minute = (ulong)(localTime.UtcTicks / TimeSpan.TicksPerMinute);
        var unit = (Mix(Mix(_seed + 0x9E3779B97F4A7C15UL) ^ minute) >> 11) * (1.0 / (1UL << 53));
        return _loss + (_noise * ((2 * unit) - 1));
    }

    public HouseholdLoad Load(DateTimeOffset localTime)
    {
        var sum = ConsumersLoad(localTime);
        var factor = 1 + LossShare(localTime);
        return new HouseholdLoad(sum.ActiveWatts * factor, sum.ReactiveVar * factor);
    }

    private static ulong Mix(ulong z)
    {
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }
}
