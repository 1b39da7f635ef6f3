namespace Meterline.HeadEnd.Communication;

/// <summary>A meter could not be reached, timed out, or refused a request (<see cref="Refused"/>).</summary>
public sealed class MeterCommunicationException : Exception
{
    public MeterCommunicationException()
    {
    }

    public MeterCommunicationException(string message)
        : base(message)
    {
    }

    public MeterCommunicationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public MeterCommunicationException(string message, bool refused, bool isTransient, Exception? innerException = null)
        : base(message, innerException)
    {
        Refused = refused;
        IsTransient = isTransient;
    }

    /// <summary>The meter answered and refused (access denied, signature or counter refused): retrying will not help.</summary>
    public bool Refused { get; }

    /// <summary>A link problem that may go away (timeout, connection lost).</summary>
    public bool IsTransient { get; }
}
