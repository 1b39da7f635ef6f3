using System.Net;
using System.Net.Http.Headers;
using Meterline.HeadEnd.Commands;
using Meterline.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Meterline.Server.Tests;

/// <summary>
/// A whole head-end node — <see cref="HeadEndNode"/> on a SQLite database in a temporary directory, a key file, a
/// push listener on 127.0.0.1 — with its web application on a real Kestrel socket (127.0.0.1, a free port) and its
/// loops running, as <c>meterline serve</c> runs it. <see cref="Client"/> is authenticated with the bootstrap admin
/// token the node wrote to <see cref="BootstrapTokenFile"/> at its first start.
/// </summary>
internal sealed class RunningNode : IAsyncDisposable
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private readonly WebApplication _app;

    private RunningNode(HeadEndNode node, WebApplication app, Uri address, string directory)
    {
        Node = node;
        _app = app;
        Address = address;
        Directory = directory;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", File.ReadAllText(BootstrapTokenFile).Trim());
        ActorTokens.Register(Client, node.Access);
    }

    public HeadEndNode Node { get; }

    public HttpClient Client { get; }

    public Uri Address { get; }

    public IServiceProvider Services => _app.Services;

    public string Directory { get; }

    public string DatabasePath => Path.Combine(Directory, "hes.db");

    public string BootstrapTokenFile => Path.Combine(Directory, "hes.admin-token");

    public IPEndPoint PushEndpoint => Node.PushEndpoints[0];

    public static async Task<RunningNode> StartAsync(Func<HeadEndOptions, HeadEndOptions>? configure = null, Func<ServerOptions, ServerOptions>? server = null)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("meterline-node-").FullName;
        var options = new HeadEndOptions
        {
            Database = "Data Source=" + Path.Combine(directory, "hes.db"),
            KeyFile = Path.Combine(directory, "hes.kek"),
            CreateKeyFile = true,
            ProfilesDirectory = Path.Combine(RunningServer.RepositoryRoot(), "profiles"),
            PushListeners = [new IPEndPoint(IPAddress.Loopback, 0)],
            Scheduler = null,
            Backfill = null,
            Dispatcher = new CommandDispatcherOptions { PollInterval = TimeSpan.FromMilliseconds(200) },
            MeterRequestTimeout = TimeSpan.FromSeconds(10),
            BootstrapTokenFile = Path.Combine(directory, "hes.admin-token"),
        };
        var node = await HeadEndNode.OpenAsync(configure?.Invoke(options) ?? options);
        try
        {
            var serverOptions = new ServerOptions { Urls = ["http://127.0.0.1:0"] };
            var app = ServerApplication.Build(server?.Invoke(serverOptions) ?? serverOptions, node);
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new RunningNode(node, app, new Uri(address), directory);
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await Node.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still open elsewhere: the temporary directory is left behind, the test's result stands.
        }
    }
}
