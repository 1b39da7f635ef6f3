namespace Meterline.HeadEnd.Ingest;

/// <summary>How the head-end finished with an inbound frame, as its transport acknowledges it.</summary>
public enum FrameOutcome
{
    /// <summary>Everything the frame carried is durably stored: acknowledge it (MQTT PUBACK, CoAP ACK 2.04).</summary>
    Committed = 0,

    /// <summary>The frame was refused (guard, authentication, parsing) and never will be accepted: do not ask for it again.</summary>
    Rejected = 1,

    /// <summary>The frame was good but could not be stored now (shed under load, failed write): the meter should send it again.</summary>
    Failed = 2,
}
