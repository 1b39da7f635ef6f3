namespace Meterline.Meter.Events;

/// <summary>
/// Where a COSEM object reports an event it caused (a relay operation, a configuration change): the meter logs it in
/// the event log of the code's group with the instantaneous values, counts it, and pushes an alert when the code is
/// one the alert push carries. Codes are the profile's event table (profiles/*.json).
/// </summary>
public interface IEventRecorder
{
    /// <summary>Records event <paramref name="code"/> now.</summary>
    void Record(ushort code);
}
