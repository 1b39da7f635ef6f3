namespace Meterline.Dlms.Links;

/// <summary>
/// A link whose lower layer has sessions of its own (HDLC: SNRM … DISC or inactivity time-out). Application
/// associations live inside one session: when <see cref="SessionGeneration"/> changes, the server drops them.
/// </summary>
public interface IApduLinkSessions
{
    long SessionGeneration { get; }
}
