namespace Meterline.Dlms.Security;

/// <summary>
/// Durable storage of an <see cref="OutgoingInvocationCounter"/>'s high-water mark. <see cref="TryReserve"/> must not
/// return true before the mark is durable (written and flushed): the counter hands out values below it immediately
/// afterwards, and after a crash it restarts from the last mark recorded.
/// </summary>
public interface IInvocationCounterStore
{
    /// <summary>Records <paramref name="mark"/> durably; false when it could not be recorded (no value is then used).</summary>
    bool TryReserve(uint mark);
}
