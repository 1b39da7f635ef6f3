using System.Net.Http.Headers;
using Meterline.HeadEnd.Access;
using Meterline.HeadEnd.Audit;
using Meterline.HeadEnd.Testing;
using Meterline.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Meterline.Server.Tests;

/// <summary>
/// The head-end's web application on a real Kestrel socket (127.0.0.1, a free port) over in-memory stores, its
/// <see cref="Client"/> authenticated with an admin API token (docs/access.md).
/// </summary>
internal sealed class RunningServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RunningServer(WebApplication app, HeadEndStores stores, AccessService access, Uri address, string adminToken)
    {
        _app = app;
        Stores = stores;
        Access = access;
        Address = address;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
        ActorTokens.Register(Client, access);
    }

    public HeadEndStores Stores { get; }

    public AccessService Access { get; }

    public Uri Address { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Every address the server listens on (HTTP and HTTPS).</summary>
    public IReadOnlyList<string> Urls => [.. _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses];

    public HttpClient Client { get; }

    public InMemoryReadingStore Readings => (InMemoryReadingStore)Stores.Readings;

    public static async Task<RunningServer> StartAsync(Func<ServerOptions, ServerOptions>? configure = null, TimeProvider? time = null)
    {
        var stores = new HeadEndStores(new InMemoryMeterRepository(), new InMemoryReadingStore(), new InMemoryCommandStore(), new InMemoryAuditStore(),
            new InMemoryMeterKeyStore(), new InMemoryCounterStore());
        var profiles = ProfileCatalog.Load(Path.Combine(RepositoryRoot(), "profiles"));
        time ??= TimeProvider.System;
        var audit = await AuditLog.OpenAsync(stores.Audit, time);
        var access = new AccessService(new InMemoryUserStore(), new InMemoryApiTokenStore(), audit, time);
        var admin = await access.CreateTokenAsync("test", "test-admin", [AccessRole.Admin], null, null);
        var options = new ServerOptions { Urls = ["http://127.0.0.1:0"] };
        var app = ServerApplication.Build(configure?.Invoke(options) ?? options, stores, profiles, access, audit);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First(a => a.StartsWith("http:", StringComparison.Ordinal));
        return new RunningServer(app, stores, access, new Uri(address), admin.Text);
    }

    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Meterline.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Meterline.slnx not found above the test directory");
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
