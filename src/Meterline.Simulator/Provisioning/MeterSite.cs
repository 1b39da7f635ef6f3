namespace Meterline.Simulator.Provisioning;

/// <summary>
/// Where a provisioned meter is on the network and the map, as the provisioning file gives it to the head-end
/// (<c>consumerId</c>, <c>transformerId</c>, <c>feederId</c>, <c>latitude</c>, <c>longitude</c>, <c>transformerMeter</c>).
/// A consumer meter has a consumer and a transformer; the meter of a transformer's total has
/// <see cref="TransformerMeter"/> (the transformer it measures) and no consumer or transformer of its own.
/// </summary>
public sealed record MeterSite(
    string? ConsumerId,
    string? TransformerId,
    string? FeederId,
    double? Latitude,
    double? Longitude,
    string? TransformerMeter = null);
