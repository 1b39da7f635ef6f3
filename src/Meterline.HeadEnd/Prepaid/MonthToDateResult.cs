using Meterline.HeadEnd.Billing;

namespace Meterline.HeadEnd.Prepaid;

/// <summary>A month's consumption so far, the intervals it counted (0: nothing to price yet) and those it left out.</summary>
public sealed record MonthToDateResult(Consumption Consumption, int Intervals, int Skipped);
