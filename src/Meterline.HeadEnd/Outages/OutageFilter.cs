namespace Meterline.HeadEnd.Outages;

/// <summary>Which outages a listing returns; every condition given must hold.</summary>
public sealed record OutageFilter(OutageState? State = null, string? FeederId = null);
