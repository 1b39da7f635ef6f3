namespace Meterline.Server.Access;

/// <summary>Request headers of the access layer.</summary>
public static class AccessHeaders
{
    /// <summary>The anti-forgery token a cookie-authenticated POST, PUT, PATCH or DELETE must carry.</summary>
    public const string Antiforgery = "X-Meterline-Csrf";
}
