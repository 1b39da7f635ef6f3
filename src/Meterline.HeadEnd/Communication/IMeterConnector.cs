using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Communication;

/// <summary>
/// Opens an authenticated, ciphered session (the utility-settings association) with a meter through whatever link
/// its endpoint names. Implemented by the transport adapters; the head-end knows no protocol.
/// </summary>
public interface IMeterConnector
{
    /// <summary>True when this connector can reach endpoints of this scheme.</summary>
    bool CanReach(MeterEndpoint endpoint);

    /// <summary>Opens a session; throws <see cref="MeterCommunicationException"/> when the meter cannot be reached or refuses the association.</summary>
    Task<IMeterSession> OpenAsync(Meter meter, CancellationToken cancellationToken = default);
}
