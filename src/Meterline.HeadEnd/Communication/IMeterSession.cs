using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.Communication;

/// <summary>
/// One open association with a meter. Every call is one or more authenticated, ciphered requests with fresh
/// invocation counters; relay and key operations are also signed with the HES key when the meter's security level asks.
/// Failures throw <see cref="MeterCommunicationException"/>; a refusal by the meter is a
/// <see cref="MeterCommunicationException"/> with <see cref="MeterCommunicationException.Refused"/> set.
/// </summary>
public interface IMeterSession : IAsyncDisposable
{
    /// <summary>Reads registers now (scaled to the quantity's unit); quantities the meter lacks are left out.</summary>
    Task<IReadOnlyList<RegisterValue>> ReadRegistersAsync(IReadOnlyList<Quantity> quantities, CancellationToken cancellationToken = default);

    /// <summary>Reads the block load profile entries with clock in [from, to] (range selective access).</summary>
    Task<IReadOnlyList<IntervalReading>> ReadLoadProfileAsync(MeterId meter, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default);

    Task<RelayState> ReadRelayStateAsync(CancellationToken cancellationToken = default);

    /// <summary>Invokes remote_disconnect (Disconnect control method 1).</summary>
    Task RemoteDisconnectAsync(CancellationToken cancellationToken = default);

    /// <summary>Invokes remote_reconnect (Disconnect control method 2).</summary>
    Task RemoteReconnectAsync(CancellationToken cancellationToken = default);

    Task<DateTimeOffset> ReadClockAsync(CancellationToken cancellationToken = default);

    Task SetClockAsync(DateTimeOffset time, CancellationToken cancellationToken = default);

    /// <summary>Writes the passive activity calendar and its activation time (Activity calendar attributes 6–10).</summary>
    Task WriteActivityCalendarAsync(TariffCalendar calendar, CancellationToken cancellationToken = default);

    /// <summary>Reads the Limiter (0.0.17.0.0.255, class 71): monitored value, thresholds, durations, emergency profile.</summary>
    Task<LimiterReading> ReadLimiterAsync(CancellationToken cancellationToken = default);

    /// <summary>Writes the Limiter's thresholds, durations, emergency profile and its group id list (attributes 4–9).</summary>
    Task WriteLimiterAsync(LimiterSettings settings, CancellationToken cancellationToken = default);

    /// <summary>Transfers new global keys wrapped with the current master key (Security setup global_key_transfer).</summary>
    Task TransferKeysAsync(ReadOnlyMemory<byte> newEncryptionKey, ReadOnlyMemory<byte> newAuthenticationKey, CancellationToken cancellationToken = default);
}
