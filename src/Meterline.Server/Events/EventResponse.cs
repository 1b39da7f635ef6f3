using Meterline.HeadEnd.Readings;

namespace Meterline.Server.Events;

/// <summary>A meter event with the values captured at it.</summary>
public sealed record EventResponse(string Serial, DateTimeOffset OccurredAt, int Code, string Name, IReadOnlyDictionary<string, double> Values, DateTimeOffset ReceivedAt);
