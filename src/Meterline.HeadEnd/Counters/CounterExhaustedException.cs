namespace Meterline.HeadEnd.Counters;

/// <summary>A meter's outgoing invocation counter of one key generation has no block left: its keys must be rotated.</summary>
public sealed class CounterExhaustedException : Exception
{
    public CounterExhaustedException()
    {
    }

    public CounterExhaustedException(string message)
        : base(message)
    {
    }

    public CounterExhaustedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
