namespace Meterline.Server.Portal;

/// <summary>Energy imported in one day (<c>yyyy-MM-dd</c>) or month (<c>yyyy-MM</c>) of the utility's calendar.</summary>
public sealed record UsageBarResponse(string Period, double Kwh);
