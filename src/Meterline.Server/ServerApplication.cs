using System.Text.Json.Serialization;
using Meterline.Server.Events;
using Meterline.Server.Hosting;
using Meterline.Server.Meters;
using Meterline.Server.Readings;

namespace Meterline.Server;

/// <summary>Builds the head-end's web application: services from the given stores, then the API endpoints.</summary>
public static class ServerApplication
{
    public static WebApplication Build(ServerOptions options, HeadEndStores stores, ProfileCatalog profiles)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(stores);
        ArgumentNullException.ThrowIfNull(profiles);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "Meterline.Server", ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls([.. options.Urls]);
        builder.Logging.SetMinimumLevel(options.MinimumLogLevel);
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi();
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        builder.Services.AddHeadEndStores(stores);
        builder.Services.AddSingleton(profiles);

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapMeters();
        app.MapReadings();
        app.MapEvents();
        return app;
    }
}
