namespace Meterline.Server.Meters;

/// <summary>WGS 84 degrees.</summary>
public sealed record LocationBody(double Latitude, double Longitude);
