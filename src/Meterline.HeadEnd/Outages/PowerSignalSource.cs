namespace Meterline.HeadEnd.Outages;

/// <summary>How the head-end learnt that a meter lost or regained supply.</summary>
public enum PowerSignalSource
{
    /// <summary>The meter's last gasp: IS 15959 event 101, power failure occurrence.</summary>
    LastGasp = 0,

    /// <summary>The meter pushes on a schedule and has been silent for too many block periods.</summary>
    Silence = 1,

    /// <summary>The meter's IS 15959 event 102, power failure restoration.</summary>
    Restoration = 2,

    /// <summary>The meter was heard again (a reading or an event after the failure).</summary>
    Heard = 3,
}
