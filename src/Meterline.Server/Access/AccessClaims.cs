namespace Meterline.Server.Access;

/// <summary>Claims of an authenticated principal besides its name and roles.</summary>
public static class AccessClaims
{
    /// <summary>The consumer a consumer-role principal is bound to.</summary>
    public const string Consumer = "meterline:consumer";

    /// <summary>A cookie session's anti-forgery token (sent back in <see cref="AccessHeaders.Antiforgery"/>).</summary>
    public const string Antiforgery = "meterline:csrf";

    /// <summary>When the session's user last changed their password (UTC ticks): a later change ends the session.</summary>
    public const string PasswordChangedAt = "meterline:password-changed";
}
