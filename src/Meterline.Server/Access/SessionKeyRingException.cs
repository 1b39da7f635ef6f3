namespace Meterline.Server.Access;

/// <summary>The session key ring in the database cannot be used by this node (e.g. its keys are under another session key file); the node does not start.</summary>
public sealed class SessionKeyRingException : Exception
{
    public SessionKeyRingException()
    {
    }

    public SessionKeyRingException(string message)
        : base(message)
    {
    }

    public SessionKeyRingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
