namespace Meterline.Web.Shell;

/// <summary>How a meter is drawn and counted: one condition each, in the order of <see cref="MeterConditions.Of"/>.</summary>
public enum MeterCondition
{
    Normal = 0,

    /// <summary>It has an open alert.</summary>
    Alert = 1,

    /// <summary>Its relay was read back open.</summary>
    Disconnected = 2,

    /// <summary>Offline, or never heard from.</summary>
    NoCommunication = 3,
}
