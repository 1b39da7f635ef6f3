using System.Text.Json.Serialization;

namespace Meterline.Server.Meters;

/// <summary>WGS 84 degrees.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record LocationBody(double Latitude, double Longitude);
