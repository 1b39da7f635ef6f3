namespace Meterline.Server.Meters;

/// <summary>One page of a listing; pass <see cref="NextPageToken"/> back as <c>pageToken</c> for the next (null at the end).</summary>
public sealed record PageResponse<T>(IReadOnlyList<T> Items, string? NextPageToken);
