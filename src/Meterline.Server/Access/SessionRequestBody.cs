namespace Meterline.Server.Access;

/// <summary>POST /api/session: sign in.</summary>
public sealed record SessionRequestBody(string? Name, string? Password);
