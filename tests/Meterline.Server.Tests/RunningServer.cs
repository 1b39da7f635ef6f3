using Meterline.HeadEnd.Testing;
using Meterline.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Meterline.Server.Tests;

/// <summary>The head-end's web application on a real Kestrel socket (127.0.0.1, a free port) over in-memory stores.</summary>
internal sealed class RunningServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RunningServer(WebApplication app, HeadEndStores stores, Uri address)
    {
        _app = app;
        Stores = stores;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };
    }

    public HeadEndStores Stores { get; }

    public HttpClient Client { get; }

    public InMemoryReadingStore Readings => (InMemoryReadingStore)Stores.Readings;

    public static async Task<RunningServer> StartAsync()
    {
        var stores = new HeadEndStores(new InMemoryMeterRepository(), new InMemoryReadingStore(), new InMemoryCommandStore(), new InMemoryAuditStore(),
            new InMemoryMeterKeyStore(), new InMemoryCounterStore());
        var profiles = ProfileCatalog.Load(Path.Combine(RepositoryRoot(), "profiles"));
        var app = ServerApplication.Build(new ServerOptions { Urls = ["http://127.0.0.1:0"] }, stores, profiles);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RunningServer(app, stores, new Uri(address));
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
