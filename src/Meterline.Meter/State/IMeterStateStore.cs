namespace Meterline.Meter.State;

/// <summary>A meter's non-volatile memory: the state of each meter by its id (the serial number).</summary>
public interface IMeterStateStore
{
    /// <summary>The state saved last for the meter, or null for a meter never saved.</summary>
    /// <exception cref="InvalidDataException">The saved state is unreadable (the meter must not start on a guess).</exception>
    MeterState? Load(string meterId);

    /// <summary>Saves the state durably; false when it could not be saved (the caller must then not act on it).</summary>
    bool TrySave(string meterId, MeterState state);
}
