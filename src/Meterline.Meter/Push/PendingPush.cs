using Meterline.Dlms.Cosem;

namespace Meterline.Meter.Push;

/// <summary>
/// A DataNotification the meter has to deliver: which push setup produced it, when (meter time; the notification's
/// date-time, kept across retries so the head-end can recognise a repeat), the body, and its delivery state. The
/// body is ciphered afresh, with a new invocation counter, at every attempt: a repeat of old bytes would be refused
/// as a replay once a later push had arrived.
/// </summary>
public sealed record PendingPush(long Sequence, ObisCode PushSetup, DateTimeOffset Created, CosemData Body, bool IsAlert)
{
    /// <summary>Attempts made so far.</summary>
    public int Attempts { get; init; }

    /// <summary>No attempt before this true time.</summary>
    public DateTimeOffset NotBefore { get; init; }
}
