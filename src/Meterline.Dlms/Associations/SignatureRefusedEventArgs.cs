namespace Meterline.Dlms.Associations;

/// <summary>A server association refused a request for its signature; the request was answered and changed nothing.</summary>
public sealed class SignatureRefusedEventArgs(SignatureRefusal reason) : EventArgs
{
    public SignatureRefusal Reason { get; } = reason;
}
