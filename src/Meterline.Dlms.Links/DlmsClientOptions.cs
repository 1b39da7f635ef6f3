namespace Meterline.Dlms.Links;

/// <summary>Timers and queue sizes of a <see cref="DlmsClient"/>.</summary>
public sealed record DlmsClientOptions
{
    /// <summary>How long a request may wait for its response (each block of a block transfer counts as a request).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Unsolicited notifications (DataNotification, EventNotification) kept until read; more are dropped and counted.</summary>
    public int NotificationCapacity { get; init; } = 256;

    /// <summary>Send requests with the priority bit set (IS 15959 clients do).</summary>
    public bool HighPriority { get; init; } = true;

    /// <summary>The clock for timeouts.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;
}
