namespace Meterline.HeadEnd.Meters;

/// <summary>A meter with the same serial or system title is already registered.</summary>
public sealed class DuplicateMeterException : Exception
{
    public DuplicateMeterException()
    {
    }

    public DuplicateMeterException(string message)
        : base(message)
    {
    }

    public DuplicateMeterException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
