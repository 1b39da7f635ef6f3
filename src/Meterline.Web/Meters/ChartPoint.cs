namespace Meterline.Web.Meters;

/// <summary>One point of a chart: when, and the value in the chart's unit.</summary>
public readonly record struct ChartPoint(DateTimeOffset Time, double Value);
