namespace Meterline.HeadEnd.Analytics.Rules;

/// <summary>One value of a quantity at an interval's end.</summary>
public readonly record struct SeriesPoint(DateTimeOffset Time, double Value);
