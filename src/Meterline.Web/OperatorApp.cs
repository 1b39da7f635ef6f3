using Meterline.Web.Live;
using Meterline.Web.Portal;
using Meterline.Web.Shell;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Meterline.Web;

/// <summary>
/// Adds the operator app to a head-end's web application: Blazor components with server interactivity, the live
/// feeds and their pump, and the app's stylesheet. The head-end's services (meter registry, reading store, command
/// service and dispatcher, alert service, ingest pipeline, time provider) must be registered.
/// </summary>
public static class OperatorApp
{
    /// <summary>Where the app's stylesheet is served (an embedded resource, so it needs no static-file manifest).</summary>
    public const string StylesheetPath = "/operator-app/operator.css";

    /// <summary>Where the reconnect dialog's script (its reload action) is served, embedded like the stylesheet.</summary>
    public const string ReconnectScriptPath = "/operator-app/reconnect.js";

    /// <summary>Where the Blazor script is served (embedded from the framework's assets package at build time).</summary>
    public const string BlazorScriptPath = "/_framework/blazor.web.js";

    /// <summary>The sign-in page (anonymous, server-rendered, no circuit).</summary>
    public const string SignInPath = "/sign-in";

    /// <summary>Where a signed-in principal without a staff role (a consumer) is sent instead of a page.</summary>
    public const string NotAllowedPath = "/not-allowed";

    /// <summary>Where the sign-in form posts (name, password, returnUrl): the access layer's form sign-in.</summary>
    public const string SignInFormPath = "/session/sign-in";

    /// <summary>Where the sign-out form posts.</summary>
    public const string SignOutFormPath = "/session/sign-out";

    /// <summary>The Blazor circuit's endpoints (negotiate, the WebSocket, disconnect).</summary>
    public const string CircuitPath = "/_blazor";

    public static IServiceCollection AddOperatorApp(this IServiceCollection services, OperatorAppOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        services.AddSingleton(options);
        services.AddSingleton(provider => new UtilityClock(
            options.TimeZoneId is null ? TimeZoneInfo.Utc : TimeZoneInfo.FindSystemTimeZoneById(options.TimeZoneId),
            provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton<LiveFeeds>();
        services.AddSingleton(provider => new SharedFleetSnapshot(
            provider.GetRequiredService<Meterline.HeadEnd.Meters.IMeterRepository>(),
            provider.GetRequiredService<Meterline.HeadEnd.Analytics.AlertService>().Store,
            options,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<Microsoft.Extensions.Logging.ILogger<SharedFleetSnapshot>>()));
        services.AddHostedService<LiveFeedPump>();
        services.TryAddScoped<IOperatorIdentity, UnauthenticatedOperatorIdentity>();
        services.AddSingleton(options.Portal).AddSingleton<ConsumerPortal>();
        services.TryAddScoped<IPortalConsumer, NoPortalConsumer>();
        services.AddRazorComponents().AddInteractiveServerComponents();
        return services;
    }

    /// <summary>
    /// Maps the pages, the Blazor endpoints and the stylesheet. When <see cref="OperatorAppOptions.RolePolicy"/> is set,
    /// every page endpoint carries the policy of its <see cref="RequiresRoleAttribute"/> role, and the circuit's
    /// endpoints (<see cref="CircuitPath"/>) and any other endpoint of the app without a role that of
    /// <see cref="OperatorRole.Viewer"/>; endpoints marked <see cref="IAllowAnonymous"/> (sign-in, the refusal page)
    /// and the stylesheet and script stay anonymous.
    /// </summary>
    public static WebApplication MapOperatorApp(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.Services.GetRequiredService<OperatorAppOptions>();
        app.UseAntiforgery();
        app.MapGet(StylesheetPath, () => Embedded("Meterline.Web.operator.css", "text/css; charset=utf-8")).ExcludeFromDescription().AllowAnonymous();
        app.MapGet(ReconnectScriptPath, () => Embedded("Meterline.Web.reconnect.js", "text/javascript; charset=utf-8")).ExcludeFromDescription().AllowAnonymous();
        app.MapGet(BlazorScriptPath, () => Embedded("Meterline.Web.blazor.web.js", "text/javascript; charset=utf-8")).ExcludeFromDescription().AllowAnonymous();
        // No icon: an empty answer rather than a refusal in every browser's console (a data: icon would break the CSP).
        app.MapGet("/favicon.ico", () => Results.NoContent()).ExcludeFromDescription().AllowAnonymous();
        var pages = app.MapRazorComponents<App>().AddInteractiveServerRenderMode(server =>
            // Blazor would otherwise set its own Content-Security-Policy (frame-ancestors only) on the pages, which
            // replaces the host's strict one; the host's policy already forbids framing.
            server.ContentSecurityFrameAncestorsPolicy = null);
        if (options.RolePolicy is { } policy)
        {
            pages.Add(endpoint =>
            {
                if (endpoint.Metadata.OfType<IAllowAnonymous>().Any())
                {
                    return;
                }

                var role = endpoint.Metadata.OfType<RequiresRoleAttribute>().FirstOrDefault()?.Role ?? OperatorRole.Viewer;
                endpoint.Metadata.Add(new AuthorizeAttribute(policy(role)));
            });
        }

        return app;
    }

    private static IResult Embedded(string name, string contentType)
    {
        var stream = typeof(OperatorApp).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"{name} is not embedded in the operator app.");
        return Results.Stream(stream, contentType);
    }
}
