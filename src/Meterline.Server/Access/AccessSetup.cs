using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Meterline.HeadEnd.Access;
using Meterline.HeadEnd.Audit;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Meterline.Server.Access;

/// <summary>
/// Wires the access layer (docs/access.md): the bearer-token and cookie schemes behind one policy scheme, the
/// fallback policy every endpoint without a policy gets, the named policies, the refusal answers, the sign-in rate
/// limits, and the middleware (security headers and the HTTPS rule first, anti-forgery after authentication).
/// </summary>
public static class AccessSetup
{
    public static IServiceCollection AddMeterlineAccess(this IServiceCollection services, AccessService access, IAuditLog audit, AccessServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(access).AddSingleton(options).AddSingleton<LoginLimiter>();
        services.AddSingleton(provider => new DenialAuditor(audit, provider.GetRequiredService<TimeProvider>(), options.DenialAuditWindow));
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, AccessResultHandler>();

        var protection = services.AddDataProtection().SetApplicationName("meterline");
        if (options.SessionKeyFile is { } keyFile)
        {
            // The key ring in the database, shared by every node on it, master keys encrypted under the file's key.
            services.AddSingleton(SessionKeyEncryptionKey.Open(keyFile, options.CreateSessionKeyFile));
            services.AddOptions<KeyManagementOptions>().Configure<ISessionKeyStore, SessionKeyEncryptionKey, TimeProvider>((management, store, key, time) =>
            {
                management.XmlRepository = new DatabaseXmlRepository(store, audit, time);
                management.XmlEncryptor = new SessionKeyEncryptor(key);
            });
            // First of the hosted services (they start in order): Data Protection's own one reads the key ring at start
            // and would make a key outside the database lock.
            services.Insert(0, ServiceDescriptor.Singleton<IHostedService, SessionKeyRingStartup>());
        }
        else if (options.KeyDirectory is { } directory)
        {
            protection.PersistKeysToFileSystem(CreateOwnerOnlyDirectory(directory));
        }
        else
        {
            services.AddSingleton<IDataProtectionProvider, EphemeralDataProtectionProvider>();
        }

        services.AddAuthentication(AccessSchemes.Default)
            .AddPolicyScheme(AccessSchemes.Default, "Bearer token or session cookie", scheme =>
                scheme.ForwardDefaultSelector = context => context.Request.Headers.Authorization.Count > 0 ? AccessSchemes.Bearer : AccessSchemes.Cookie)
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(AccessSchemes.Bearer, null)
            .AddCookie(AccessSchemes.Cookie, cookie =>
            {
                cookie.Cookie.Name = AccessSchemes.CookieName;
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Strict;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                cookie.Cookie.Path = "/";
                cookie.ExpireTimeSpan = options.SessionIdle;
                cookie.SlidingExpiration = true;
                cookie.Events.OnRedirectToLogin = context => Status(context.Response, StatusCodes.Status401Unauthorized);
                cookie.Events.OnRedirectToAccessDenied = context => Status(context.Response, StatusCodes.Status403Forbidden);
                cookie.Events.OnValidatePrincipal = ValidateSessionAsync;
            });

        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().AddRequirements(new DefaultAccessRequirement()).Build())
            .AddPolicy(AccessPolicies.Admin, policy => policy.RequireAuthenticatedUser().RequireRole(AccessRole.Admin.Name()))
            .AddPolicy(AccessPolicies.Audit, policy => policy.RequireAuthenticatedUser().RequireRole(AccessRole.Auditor.Name(), AccessRole.Admin.Name()))
            .AddPolicy(AccessPolicies.MeterReader, policy => policy.RequireAuthenticatedUser().AddRequirements(new MeterOwnerRequirement()))
            .AddPolicy(AccessPolicies.Staff, policy => policy.RequireAuthenticatedUser().RequireRole(DefaultAccessRequirement.Readers.Select(r => r.Name())))
            .AddPolicy(AccessPolicies.Operator, policy => policy.RequireAuthenticatedUser().RequireRole(DefaultAccessRequirement.Writers.Select(r => r.Name())))
            .AddPolicy(AccessPolicies.SignedIn, policy => policy.RequireAuthenticatedUser())
            .AddPolicy(AccessPolicies.Consumer, policy => policy.RequireAuthenticatedUser().RequireRole(AccessRole.Consumer.Name()).RequireClaim(AccessClaims.Consumer));

        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(LoginLimiter.SourcePolicy, context => RateLimitPartition.GetFixedWindowLimiter(
                LoginLimiter.Partition(RequestSource.Of(context), options.RateLimitPartitions),
                _ => new FixedWindowRateLimiterOptions { PermitLimit = options.LoginsPerSourcePerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0, AutoReplenishment = true }));
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                var http = context.HttpContext;
                await http.RequestServices.GetRequiredService<DenialAuditor>().ReportAsync(RequestSource.Of(http), "access.login.rate-limited", AccessResultHandler.Anonymous,
                    RequestSource.Subject(http), new AuditDetail().Add("limit", "source"), cancellationToken).ConfigureAwait(false);
                var retry = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1);
                http.Response.Headers.RetryAfter = OperatorSignInApi.Seconds(retry).ToString(CultureInfo.InvariantCulture);
                if (OperatorSignInApi.IsSignInForm(http))
                {
                    await OperatorSignInApi.WriteThrottledAsync(http, retry, cancellationToken).ConfigureAwait(false);
                    return;
                }

                await AccessProblems.RateLimited.Result("Too many sign-in attempts from this address; try again later.").ExecuteAsync(http).ConfigureAwait(false);
            };
        });
        return services;
    }

    /// <summary>The access middleware after the exception handler and routing: authentication, anti-forgery, rate limits, authorization.</summary>
    public static WebApplication UseMeterlineAccess(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseAuthentication();
        app.UseCookieAntiforgery();
        app.UseRateLimiter();
        app.UseAuthorization();
        return app;
    }

    /// <summary>
    /// Ends a browser session whose user is gone, disabled, has changed password or roles since signing in: each
    /// request re-reads the user, so that an admin's change takes effect at once.
    /// </summary>
    private static async Task ValidateSessionAsync(CookieValidatePrincipalContext context)
    {
        var access = context.HttpContext.RequestServices.GetRequiredService<AccessService>();
        var name = context.Principal?.Identity?.Name;
        var user = name is null ? null : await access.Users.FindAsync(name, context.HttpContext.RequestAborted).ConfigureAwait(false);
        if (context.Principal is null || !SessionValidity.IsCurrent(context.Principal, user))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(AccessSchemes.Cookie).ConfigureAwait(false);
        }
    }

    private static Task Status(HttpResponse response, int status)
    {
        response.StatusCode = status;
        return Task.CompletedTask;
    }

    private static DirectoryInfo CreateOwnerOnlyDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return Directory.CreateDirectory(path);
        }

        return Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
