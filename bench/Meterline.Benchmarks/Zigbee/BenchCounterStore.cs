using Meterline.HeadEnd.Counters;
using Meterline.HeadEnd.Meters;

namespace Meterline.Benchmarks.Zigbee;

/// <summary>Outgoing invocation counter reservations in memory (the benchmark measures the radio, not the database).</summary>
internal sealed class BenchCounterStore : ICounterStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(MeterId, int), uint> _marks = [];

    public Task<uint> ReserveAsync(MeterId meter, int generation, uint blockSize, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var first = _marks.GetValueOrDefault((meter, generation), 1u);
            if ((ulong)first + blockSize > uint.MaxValue)
            {
                throw new InvalidOperationException($"The invocation counter of meter {meter} is exhausted.");
            }

            _marks[(meter, generation)] = first + blockSize;
            return Task.FromResult(first);
        }
    }

    public Task<IReadOnlyDictionary<(MeterId Meter, int Generation), uint>> GetHighWaterMarksAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyDictionary<(MeterId Meter, int Generation), uint>>(new Dictionary<(MeterId Meter, int Generation), uint>(_marks));
        }
    }
}
