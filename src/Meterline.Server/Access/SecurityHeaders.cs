namespace Meterline.Server.Access;

/// <summary>
/// Headers on every response: a Content-Security-Policy of <c>default-src 'self'</c> with <c>frame-ancestors 'none'</c>
/// (unless the endpoint set its own, such as the printable bill), nosniff, no referrer, no framing, HSTS over HTTPS,
/// and <c>Cache-Control: no-store</c> on API responses. When HTTPS is configured, a plain-HTTP request from another
/// machine is refused (403 https-required); plain HTTP stays for loopback clients such as the CLI.
/// </summary>
public static class SecurityHeaders
{
    // base-uri 'self' (not 'none'): the operator app's pages carry <base href="/">, which Blazor resolves its routes and circuit against.
    public const string ContentSecurityPolicy = "default-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";
    public const string StrictTransportSecurity = "max-age=31536000";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app, bool httpsConfigured)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Use(async (context, next) =>
        {
            var response = context.Response;
            response.OnStarting(() =>
            {
                var headers = response.Headers;
                if (!headers.ContainsKey("Content-Security-Policy"))
                {
                    headers.ContentSecurityPolicy = ContentSecurityPolicy;
                }

                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                headers.XFrameOptions = "DENY";
                if (context.Request.IsHttps)
                {
                    headers.StrictTransportSecurity = StrictTransportSecurity;
                }

                if (context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal))
                {
                    headers.CacheControl = "no-store";
                }

                return Task.CompletedTask;
            });

            if (httpsConfigured && !context.Request.IsHttps && !RequestSource.IsLoopback(context))
            {
                await AccessProblems.HttpsRequired.Result("This head-end serves other machines over HTTPS only.").ExecuteAsync(context).ConfigureAwait(false);
                return;
            }

            await next(context).ConfigureAwait(false);
        });
    }
}
