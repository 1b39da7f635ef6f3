using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Serialization;
using Meterline.HeadEnd.Access;
using Meterline.HeadEnd.Audit;
using Meterline.Server.Access;
using Meterline.Server.Alerts;
using Meterline.Server.Approvals;
using Meterline.Server.Audit;
using Meterline.Server.Billing;
using Meterline.Server.Commands;
using Meterline.Server.DemandControl;
using Meterline.Server.Events;
using Meterline.Server.Hosting;
using Meterline.Server.Meters;
using Meterline.Server.Observability;
using Meterline.Server.Portal;
using Meterline.Server.Prepaid;
using Meterline.Server.Outages;
using Meterline.Server.PowerQuality;
using Meterline.Server.Problems;
using Meterline.Server.Readings;
using Meterline.Server.Transformers;
using Meterline.Web;

namespace Meterline.Server;

/// <summary>Builds the head-end's web application: services from the given stores, then the API endpoints.</summary>
public static class ServerApplication
{
    /// <summary>
    /// The whole node: the API over the node's stores and services, and the node's long-running services (ingest,
    /// push receivers, dispatcher, scheduler, back-fill) as hosted services. The caller owns the node and disposes it
    /// after the application has stopped.
    /// </summary>
    public static WebApplication Build(ServerOptions options, HeadEndNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return Build(options, node.Stores, node.Profiles, node.Access, node.Audit, new StorageProbe(node.Storage.PingAsync), node, services =>
        {
            services.AddSingleton(node).AddSingleton(node.Audit).AddSingleton(node.AuditVerifier).AddSingleton(node.CommandService)
                .AddSingleton(node.Dispatcher).AddSingleton(node.Provisioner).AddSingleton(node.Pipeline).AddSingleton(node.Options.TimeProvider)
                .AddSingleton(node.Alerts).AddSingleton(node.EnergyBalance).AddSingleton(node.Storage.Transformers);
            services.AddSingleton(node.Billing).AddSingleton(node.Storage.Bills);
            services.AddSingleton(node.DemandControl).AddSingleton(node.Storage.Limiters);
            services.AddSingleton(node.Approvals).AddSingleton(node.Storage.Approvals);
            services.AddSingleton(node.Storage.SessionKeys);
            services.AddOperatorAppAccess().AddOperatorApp(new OperatorAppOptions { TimeZoneId = UtilityTimeZone(node), RolePolicy = OperatorAppAccess.Policy, Portal = options.Portal });
            if (node.Prepaid is { } prepaid)
            {
                services.AddSingleton(prepaid);
            }

            services.AddSingleton(node.Reliability).AddSingleton(node.PowerQualityReports);
            foreach (var loop in node.Loops)
            {
                services.AddSingleton<IHostedService>(provider => ActivatorUtilities.CreateInstance<HeadEndLoopService>(provider, loop));
            }
        });
    }

    /// <summary>The read-only API over a set of stores (no background services), behind the given access service.</summary>
    public static WebApplication Build(ServerOptions options, HeadEndStores stores, ProfileCatalog profiles, AccessService access, IAuditLog audit)
    {
        ArgumentNullException.ThrowIfNull(stores);

        // No node: the database is reached through the meter registry (a lookup by key, no rows needed).
        var probe = new StorageProbe(cancellationToken => stores.Meters.GetAsync(new Meterline.HeadEnd.Meters.MeterId(0), cancellationToken));
        return Build(options, stores, profiles, access, audit, probe, null, null);
    }

    private static WebApplication Build(
        ServerOptions options, HeadEndStores stores, ProfileCatalog profiles, AccessService access, IAuditLog audit, StorageProbe probe, HeadEndNode? node, Action<IServiceCollection>? configure)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(stores);
        ArgumentNullException.ThrowIfNull(profiles);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "Meterline.Server", ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls([.. options.Urls, .. options.HttpsUrls]);
        if (options.HttpsUrls.Count > 0)
        {
            // HTTPS (docs/access.md): the certificate and key from PEM files, TLS 1.2 and 1.3 only.
            var certificate = LoadCertificate(options);
            builder.WebHost.UseKestrelHttpsConfiguration();
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https =>
            {
                https.ServerCertificate = certificate;
                https.SslProtocols = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13;
            }));
        }

        if (options.LogFormat == LogFormat.Json)
        {
            builder.Logging.ClearProviders().AddMeterlineJsonConsole();
        }

        builder.Logging.SetMinimumLevel(options.MinimumLogLevel);
        if (options.MinimumLogLevel >= LogLevel.Information)
        {
            // One line per HTTP request is noise at the default level; the node's own services still log at it.
            builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
            builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        }

        builder.Services.AddSingleton<IHostLifetime, CallerOwnedLifetime>();
        builder.Services.AddProblemDetails(problems => problems.CustomizeProblemDetails = ApiProblems.Customize);
        builder.Services.AddOpenApi();
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        builder.Services.AddHeadEndStores(stores);
        builder.Services.AddSingleton(profiles);
        builder.Services.AddMeterlineAccess(access, audit, options.Access);
        builder.Services.AddMeterlineObservability(probe, node);
        configure?.Invoke(builder.Services);

        var app = builder.Build();
        app.UseSecurityHeaders(httpsConfigured: options.HttpsUrls.Count > 0);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMeterlineAccess();
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapObservability();
        app.MapAccess();
        app.MapMeters();
        app.MapReadings();
        app.MapEvents();
        app.MapCommands().MapAudit();
        app.MapBilling();
        app.MapAlerts().MapTransformers();
        app.MapDemandControl();
        app.MapApprovals();
        app.MapPrepaid();
        app.MapOutages().MapPowerQuality();
        app.MapPortal();
        if (app.Services.GetService<OperatorAppOptions>() is not null)
        {
            app.MapOperatorSignIn();
            app.MapOperatorApp();
        }

        return app;
    }

    /// <summary>The utility's time zone for the operator app: the default tariff's (billing's) zone, else UTC.</summary>
    private static string? UtilityTimeZone(HeadEndNode node) =>
        node.Billing.Tariffs.DefaultTariffId is { } id ? node.Billing.Tariffs.Find(id)?.TimeZoneId : null;
    private static X509Certificate2 LoadCertificate(ServerOptions options)
    {
        if (options.TlsCertificateFile is not { } certificate || options.TlsKeyFile is not { } key)
        {
            throw new ArgumentException("HTTPS needs a certificate and its key (PEM files).", nameof(options));
        }

        return X509Certificate2.CreateFromPemFile(certificate, key);
    }
}
