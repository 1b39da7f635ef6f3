namespace Meterline.HeadEnd.Meters;

/// <summary>The supply relay as last read back from the meter (Blue Book, class 70 <c>control_state</c>).</summary>
public enum RelayState
{
    Unknown = -1,
    Disconnected = 0,
    Connected = 1,
    ReadyForReconnection = 2,
}
