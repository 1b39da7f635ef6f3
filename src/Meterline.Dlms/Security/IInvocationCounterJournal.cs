namespace Meterline.Dlms.Security;

/// <summary>
/// Durable record of the invocation counters an <see cref="InvocationCounterGuard"/> accepts. <see cref="TryRecord"/>
/// must not return true before the record is durable: the message it belongs to is processed right after.
/// </summary>
public interface IInvocationCounterJournal
{
    /// <summary>Records that <paramref name="record"/> was accepted; false when it could not be recorded.</summary>
    bool TryRecord(InvocationCounterRecord record);
}
