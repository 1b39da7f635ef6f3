using Meterline.HeadEnd.Meters;

namespace Meterline.Server.Meters;

/// <summary>A meter as the API shows it (no secret).</summary>
public sealed record MeterResponse(
    int Id,
    string Serial,
    string SystemTitle,
    string Profile,
    string? Consumer,
    double? Latitude,
    double? Longitude,
    string? Transformer,
    string? Feeder,
    string? Endpoint,
    SecurityLevel SecurityLevel,
    RelayState RelayState,
    CommunicationStatus Communication,
    DateTimeOffset? LastHeardAt,
    KeyStatus KeyStatus,
    int KeyGeneration)
{
    public static MeterResponse From(Meter meter)
    {
        ArgumentNullException.ThrowIfNull(meter);
        return new MeterResponse(meter.Id.Value, meter.Serial, meter.SystemTitle.ToString(), meter.ProfileId, meter.ConsumerId,
            meter.Location?.Latitude, meter.Location?.Longitude, meter.TransformerId, meter.FeederId, meter.Endpoint?.ToString(),
            meter.SecurityLevel, meter.RelayState, meter.Communication, meter.LastHeardAt, meter.KeyStatus, meter.KeyGeneration);
    }
}
