namespace Meterline.HeadEnd.Meters;

/// <summary>Whether the head-end hears from a meter.</summary>
public enum CommunicationStatus
{
    /// <summary>Never heard from since it was added.</summary>
    Unknown = 0,

    /// <summary>Heard from within its expected interval.</summary>
    Online = 1,

    /// <summary>Silent for longer than its expected interval.</summary>
    Offline = 2,
}
