namespace Meterline.Server.Health;

/// <summary>The answer of <c>/health/live</c> and <c>/health/ready</c>: "live", "ready" or "not ready", and why not.</summary>
public sealed record HealthResponse(string Status, IReadOnlyList<string> Reasons);
