namespace Meterline.Server.Access;

/// <summary>POST /api/tokens.</summary>
public sealed record TokenRequestBody(string? Name, IReadOnlyList<string>? Roles, string? ConsumerId, DateTimeOffset? ExpiresAt);
