namespace Meterline.HeadEnd.PowerQuality;

/// <summary>One meter's power quality summary with its serial (a line of a feeder's summary).</summary>
public sealed record MeterPowerQuality(string Serial, PowerQualitySummary Summary);
