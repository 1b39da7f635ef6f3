namespace Meterline.Dlms;

/// <summary>
/// The root of the small DLMS exception hierarchy. Exceptions are for malformed bytes, failed security checks
/// and broken links; a peer's refusal (DataAccessResult, ActionResult, AARE result) is a returned value instead.
/// Messages never contain key material, plaintext or authentication values.
/// </summary>
public abstract class DlmsException : Exception
{
    protected DlmsException(DlmsErrorReason reason, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Reason = reason;
    }

    /// <summary>What went wrong, for code that must react to it.</summary>
    public DlmsErrorReason Reason { get; }

    /// <summary>True when repeating the same operation later may succeed (a timeout, a lost link).</summary>
    public virtual bool IsTransient => false;
}
