using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Counters;

/// <summary>
/// The head-end's outgoing invocation counters, one per meter (and key generation): the next value is reserved in
/// blocks and the reservation is durable before any value of it is used, so that a crash skips values but never reuses one.
/// </summary>
public interface ICounterStore
{
    /// <summary>
    /// Atomically raises the stored high-water mark of (meter, generation) by <paramref name="blockSize"/> and returns
    /// the first value of the reserved block [first, first + blockSize). The first reservation of a pair starts at 1.
    /// Durable when the task completes. Throws <see cref="InvalidOperationException"/> if the block would pass
    /// <see cref="uint.MaxValue"/>.
    /// </summary>
    Task<uint> ReserveAsync(MeterId meter, int generation, uint blockSize, CancellationToken cancellationToken = default);

    /// <summary>The current high-water mark (the first value not yet reserved) of every (meter, generation), for alarms.</summary>
    Task<IReadOnlyDictionary<(MeterId Meter, int Generation), uint>> GetHighWaterMarksAsync(CancellationToken cancellationToken = default);
}
