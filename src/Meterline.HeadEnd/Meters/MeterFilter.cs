namespace Meterline.HeadEnd.Meters;

/// <summary>Which meters a listing returns: every condition given must hold; <paramref name="Search"/> matches the start of the serial, consumer or system title.</summary>
public sealed record MeterFilter(
    string? Search = null,
    string? TransformerId = null,
    string? FeederId = null,
    CommunicationStatus? Communication = null,
    RelayState? RelayState = null);
