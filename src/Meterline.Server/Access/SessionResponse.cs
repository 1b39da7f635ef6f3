namespace Meterline.Server.Access;

/// <summary>Who the request is: the name (the actor in the audit log), roles, consumer, how authenticated, and for a browser session the anti-forgery token.</summary>
public sealed record SessionResponse(string Name, IReadOnlyList<string> Roles, string? ConsumerId, string Authentication, string? CsrfToken);
