namespace Meterline.Dlms;

/// <summary>
/// The peer broke the protocol with well-formed bytes: an APDU that is not valid in the current state, an answer to
/// a question that was not asked, a block number out of sequence, a block transfer beyond the agreed limits.
/// </summary>
public sealed class DlmsProtocolException : DlmsException
{
    public DlmsProtocolException(DlmsErrorReason reason, string message, Exception? innerException = null)
        : base(reason, message, innerException)
    {
    }
}
