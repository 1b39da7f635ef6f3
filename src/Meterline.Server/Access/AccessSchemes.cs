namespace Meterline.Server.Access;

/// <summary>
/// The authentication schemes: <see cref="Default"/> forwards a request with <c>Authorization: Bearer</c> to
/// <see cref="Bearer"/> (API tokens, machine clients) and any other to <see cref="Cookie"/> (browser sessions).
/// </summary>
public static class AccessSchemes
{
    public const string Default = "meterline";
    public const string Bearer = "bearer";
    public const string Cookie = "cookie";
    public const string CookieName = "meterline.session";
}
