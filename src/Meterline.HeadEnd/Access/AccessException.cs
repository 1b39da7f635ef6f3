namespace Meterline.HeadEnd.Access;

/// <summary>A change to users or tokens that was refused, with why (<see cref="Error"/>); nothing changed.</summary>
public sealed class AccessException : Exception
{
    public AccessException()
    {
    }

    public AccessException(string message)
        : base(message)
    {
    }

    public AccessException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public AccessException(AccessError error, string message)
        : base(message)
    {
        Error = error;
    }

    public AccessError Error { get; }
}
