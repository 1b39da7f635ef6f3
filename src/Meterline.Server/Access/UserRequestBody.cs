namespace Meterline.Server.Access;

/// <summary>POST /api/users.</summary>
public sealed record UserRequestBody(string? Name, string? Password, IReadOnlyList<string>? Roles, string? ConsumerId);
