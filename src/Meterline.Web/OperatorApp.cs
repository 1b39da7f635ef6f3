using Meterline.Web.Live;
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

    /// <summary>Where the Blazor script is served (embedded from the framework's assets package at build time).</summary>
    public const string BlazorScriptPath = "/_framework/blazor.web.js";

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
        services.AddHostedService<LiveFeedPump>();
        services.TryAddScoped<IOperatorIdentity, UnauthenticatedOperatorIdentity>();
        services.AddRazorComponents().AddInteractiveServerComponents();
        return services;
    }

    /// <summary>
    /// Maps the pages (with the policy of each page's <see cref="RequiresRoleAttribute"/> role when
    /// <see cref="OperatorAppOptions.RolePolicy"/> is set), the Blazor endpoints and the stylesheet.
    /// </summary>
    public static WebApplication MapOperatorApp(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.Services.GetRequiredService<OperatorAppOptions>();
        app.UseAntiforgery();
        app.MapGet(StylesheetPath, () => Embedded("Meterline.Web.operator.css", "text/css; charset=utf-8")).ExcludeFromDescription();
        app.MapGet(BlazorScriptPath, () => Embedded("Meterline.Web.blazor.web.js", "text/javascript; charset=utf-8")).ExcludeFromDescription();
        var pages = app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        if (options.RolePolicy is { } policy)
        {
            pages.Add(endpoint =>
            {
                if (endpoint.Metadata.OfType<RequiresRoleAttribute>().FirstOrDefault() is { } required)
                {
                    endpoint.Metadata.Add(new AuthorizeAttribute(policy(required.Role)));
                }
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
