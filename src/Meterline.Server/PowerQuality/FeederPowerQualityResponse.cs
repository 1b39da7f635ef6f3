namespace Meterline.Server.PowerQuality;

/// <summary>A feeder's power quality: the total over its meters and each meter's summary, worst first.</summary>
public sealed record FeederPowerQualityResponse(
    string Feeder,
    DateTimeOffset From,
    DateTimeOffset To,
    int Meters,
    int MetersWithData,
    int MetersWithExcursions,
    PowerQualityResponse Total,
    IReadOnlyList<PowerQualityResponse> ByMeter);
