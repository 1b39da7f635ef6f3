namespace Meterline.Dlms.Security;

/// <summary>
/// A message was refused because its invocation counter was not greater than the last one accepted from its sender
/// for the key: a replay, or a stale message.
/// </summary>
/// <param name="Sender">The sender's system title.</param>
/// <param name="KeyId">The key the message was protected with.</param>
/// <param name="InvocationCounter">The counter the message carried.</param>
/// <param name="LastAccepted">The last counter accepted from this sender for this key.</param>
public sealed class InvocationCounterRefusedEventArgs(SystemTitle sender, KeyId keyId, uint invocationCounter, uint? lastAccepted) : EventArgs
{
    public SystemTitle Sender { get; } = sender;

    public KeyId KeyId { get; } = keyId;

    public uint InvocationCounter { get; } = invocationCounter;

    public uint? LastAccepted { get; } = lastAccepted;
}
