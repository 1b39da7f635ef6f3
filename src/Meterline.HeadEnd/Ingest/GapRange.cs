namespace Meterline.HeadEnd.Ingest;

/// <summary>Consecutive missing intervals of a meter: interval end times <see cref="From"/> to <see cref="To"/>, both included.</summary>
public readonly record struct GapRange(DateTimeOffset From, DateTimeOffset To, int Intervals);
