namespace Meterline.Web.Portal;

/// <summary>One bar of a usage chart: a day or a month, and the energy imported in it (kWh).</summary>
/// <param name="Label">What the bar is, as shown under it (e.g. <c>24</c> for a day, <c>Mar</c> for a month).</param>
/// <param name="Title">The period in full (e.g. <c>2026-03-24</c>, <c>2026-03</c>).</param>
/// <param name="Kwh">Energy imported in the period.</param>
public sealed record UsageBar(string Label, string Title, double Kwh);
