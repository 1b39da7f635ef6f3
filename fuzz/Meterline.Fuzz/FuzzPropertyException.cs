namespace Meterline.Fuzz;

/// <summary>A decoder broke a property the harness checks (a round trip, progress): a finding like a crash.</summary>
public sealed class FuzzPropertyException : Exception
{
    public FuzzPropertyException(string message)
        : base(message)
    {
    }

    public FuzzPropertyException()
    {
    }

    public FuzzPropertyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
