namespace Meterline.Dlms;

/// <summary>
/// A security check failed: a tag or signature did not verify, a counter was replayed, or a message was weaker than
/// the security policy. The message names the check, never the secret involved.
/// </summary>
public sealed class DlmsSecurityException : DlmsException
{
    public DlmsSecurityException(DlmsErrorReason reason, string message, Exception? innerException = null)
        : base(reason, message, innerException)
    {
    }
}
