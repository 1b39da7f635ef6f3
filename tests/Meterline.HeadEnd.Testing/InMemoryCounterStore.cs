using Meterline.HeadEnd.Counters;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Testing;

/// <summary>Outgoing invocation counter reservations in memory, for unit tests.</summary>
public sealed class InMemoryCounterStore : ICounterStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(MeterId, int), uint> _marks = [];

    /// <summary>Reservations made (each one is a durable write in the real stores).</summary>
    public int Reservations { get; private set; }

    public Task<uint> ReserveAsync(MeterId meter, int generation, uint blockSize, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfZero(blockSize);
        lock (_lock)
        {
            var first = _marks.GetValueOrDefault((meter, generation), 1u);
            if ((ulong)first + blockSize > uint.MaxValue)
            {
                throw new InvalidOperationException($"The invocation counter of meter {meter} is exhausted.");
            }

            _marks[(meter, generation)] = first + blockSize;
            Reservations++;
            return Task.FromResult(first);
        }
    }

    public Task<IReadOnlyDictionary<(MeterId Meter, int Generation), uint>> GetHighWaterMarksAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyDictionary<(MeterId Meter, int Generation), uint> copy = new Dictionary<(MeterId Meter, int Generation), uint>(_marks);
            return Task.FromResult(copy);
        }
    }

    /// <summary>Sets a high-water mark directly (to test exhaustion alarms).</summary>
    public void SetHighWaterMark(MeterId meter, int generation, uint next)
    {
        lock (_lock)
        {
            _marks[(meter, generation)] = next;
        }
    }
}
