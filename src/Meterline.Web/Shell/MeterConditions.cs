using Meterline.HeadEnd.Meters;

namespace Meterline.Web.Shell;

/// <summary>Classifies meters for the overview, the list and the map.</summary>
public static class MeterConditions
{
    /// <summary>
    /// An open alert comes first (it needs the operator), then an open relay, then silence; a meter with none of these
    /// is normal.
    /// </summary>
    public static MeterCondition Of(Meter meter, bool hasOpenAlert)
    {
        ArgumentNullException.ThrowIfNull(meter);
        return hasOpenAlert ? MeterCondition.Alert
            : meter.RelayState is RelayState.Disconnected or RelayState.ReadyForReconnection ? MeterCondition.Disconnected
            : meter.Communication is not CommunicationStatus.Online ? MeterCondition.NoCommunication
            : MeterCondition.Normal;
    }

    /// <summary>The CSS class of a condition (colour in the map, the list and the overview).</summary>
    public static string CssClass(MeterCondition condition) => condition switch
    {
        MeterCondition.Alert => "cond-alert",
        MeterCondition.Disconnected => "cond-disconnected",
        MeterCondition.NoCommunication => "cond-nocomm",
        _ => "cond-normal",
    };

    public static string Label(MeterCondition condition) => condition switch
    {
        MeterCondition.Alert => "Alert",
        MeterCondition.Disconnected => "Disconnected",
        MeterCondition.NoCommunication => "No communication",
        _ => "Normal",
    };
}
