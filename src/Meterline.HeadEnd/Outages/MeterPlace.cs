using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Outages;

/// <summary>Where a meter hangs in the network: its transformer and feeder as registered.</summary>
public sealed record MeterPlace(MeterId Meter, string Serial, string? TransformerId, string? FeederId);
