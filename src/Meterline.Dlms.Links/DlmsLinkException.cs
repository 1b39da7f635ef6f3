namespace Meterline.Dlms.Links;

/// <summary>
/// The link to the peer failed: closed, reset, timed out, or refused. Socket and serial errors are translated into
/// this one type in one place (<see cref="ApduLink"/>); most are transient.
/// </summary>
public sealed class DlmsLinkException : DlmsException
{
    public DlmsLinkException(string message, bool isTransient = true, Exception? innerException = null)
        : base(DlmsErrorReason.LinkFailure, message, innerException)
    {
        Transient = isTransient;
    }

    private bool Transient { get; }

    public override bool IsTransient => Transient;
}
