namespace Meterline.HeadEnd.DemandControl;

/// <summary>A group load limit refused before anything was audited or stored.</summary>
public sealed class DemandLimitRejectedException : Exception
{
    public DemandLimitRejectedException()
    {
    }

    public DemandLimitRejectedException(string message)
        : base(message)
    {
    }

    public DemandLimitRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public DemandLimitRejectedException(DemandLimitRejection reason, string message)
        : base(message)
    {
        Reason = reason;
    }

    public DemandLimitRejection Reason { get; }
}
