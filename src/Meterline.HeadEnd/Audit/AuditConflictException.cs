namespace Meterline.HeadEnd.Audit;

/// <summary>Another writer appended the same audit sequence first; re-read the last entry and chain again.</summary>
public sealed class AuditConflictException : Exception
{
    public AuditConflictException()
    {
    }

    public AuditConflictException(string message)
        : base(message)
    {
    }

    public AuditConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
