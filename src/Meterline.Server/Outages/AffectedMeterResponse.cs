using Meterline.HeadEnd.Outages;

namespace Meterline.Server.Outages;

/// <summary>One consumer's interruption within an outage, as the API shows it.</summary>
public sealed record AffectedMeterResponse(int Meter, string? Serial, DateTimeOffset LostAt, PowerSignalSource Source, DateTimeOffset? RestoredAt, double DurationMinutes);
