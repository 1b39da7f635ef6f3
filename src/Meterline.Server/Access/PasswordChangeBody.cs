namespace Meterline.Server.Access;

/// <summary>POST /api/session/password (the signed-in user, with the current password) or PUT /api/users/{name}/password (admin, <see cref="Current"/> unused).</summary>
public sealed record PasswordChangeBody(string? Current, string? Password);
