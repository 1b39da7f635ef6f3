namespace Meterline.HeadEnd.Meters;

/// <summary>One page of a listing, with the key to ask for the next one (null at the end).</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextPageToken);
