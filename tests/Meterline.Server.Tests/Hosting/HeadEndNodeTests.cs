using System.Net;
using System.Net.Sockets;
using Meterline.HeadEnd.Meters;
using Meterline.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Meterline.Server.Tests.Hosting;

public sealed class HeadEndNodeTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("meterline-node-").FullName;

    private HeadEndOptions Options(int pushPort = 0) => new()
    {
        Database = Path.Combine(_directory, "node.db"),
        KeyFile = Path.Combine(_directory, "node.kek"),
        CreateKeyFile = true,
        ProfilesDirectory = Path.Combine(RunningServer.RepositoryRoot(), "profiles"),
        PushListeners = [new IPEndPoint(IPAddress.Loopback, pushPort)],
    };

    [Fact]
    public async Task OpenAsync_FreshDirectory_CreatesDatabaseAndKeyAndAMeterAddedSurvivesReopening()
    {
        MeterId id;
        await using (var node = await HeadEndNode.OpenAsync(Options()))
        {
            Assert.True(File.Exists(Path.Combine(_directory, "node.kek")));
            Assert.NotEqual(0, node.PushEndpoints[0].Port);
            var result = await node.Provisioner.AddAsync(new MeterRegistration("MTL-N1", new MeterSystemTitle(0x4D544C0000000101), "is15959-single-phase"), "test");
            id = result.Meter!.Value;
            Assert.True(node.Pipeline.Directory.TryGet(new MeterSystemTitle(0x4D544C0000000101), out var known));
            Assert.Equal(id, known.Id);
        }

        await using (var reopened = await HeadEndNode.OpenAsync(Options()))
        {
            Assert.Equal("MTL-N1", (await reopened.Meters.GetAsync(id))!.Serial);
            Assert.True(reopened.Pipeline.Directory.TryGet(id, out _));
            Assert.True((await reopened.AuditVerifier.VerifyAsync()).IsIntact);
        }
    }

    [Fact]
    public async Task Meters_RelayStateChanged_TheIngestDirectorySeesIt()
    {
        await using var node = await HeadEndNode.OpenAsync(Options());
        var meter = (await node.Meters.GetAsync((await node.Provisioner.AddAsync(new MeterRegistration("MTL-N2", new MeterSystemTitle(0x4D544C0000000102), "is15959-single-phase"), "test")).Meter!.Value))!;

        await node.Meters.SetRelayStateAsync(meter.Id, RelayState.Disconnected);

        Assert.True(node.Pipeline.Directory.TryGet(meter.Id, out var seen));
        Assert.Equal(RelayState.Disconnected, seen.RelayState);
    }

    [Fact]
    public async Task OpenAsync_BadSystemTitle_IsRefusedBeforeAnythingIsCreated()
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() => HeadEndNode.OpenAsync(Options() with { SystemTitle = "12345" }));

        Assert.Contains("16 hexadecimal digits", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_directory, "node.db")));
    }

    [Fact]
    public async Task OpenAsync_PushPortTaken_FailsNamingThePortAndReleasesTheDatabase()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var e = await Assert.ThrowsAsync<IOException>(() => HeadEndNode.OpenAsync(Options(port)));

        Assert.Contains(port.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message, StringComparison.Ordinal);
        await using var node = await HeadEndNode.OpenAsync(Options());
        Assert.Equal(0, await node.Meters.CountAsync());
    }

    [Fact]
    public async Task OpenAsync_NoProfiles_NamesTheDirectory()
    {
        var empty = Directory.CreateDirectory(Path.Combine(_directory, "no-profiles")).FullName;

        var e = await Assert.ThrowsAsync<InvalidDataException>(() => HeadEndNode.OpenAsync(Options() with { ProfilesDirectory = empty }));

        Assert.Contains(empty, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Host_ALoopFails_TheNodeStopsInsteadOfRunningHalfAlive()
    {
        await using var node = await HeadEndNode.OpenAsync(Options());
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        node.AddLoop(new HeadEndLoop("broken", async _ =>
        {
            await started.Task;
            throw new InvalidOperationException("broken on purpose");
        }));
        var app = ServerApplication.Build(new ServerOptions { Urls = ["http://127.0.0.1:0"] }, node);
        await using (app)
        {
            var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
            var stopping = new TaskCompletionSource();
            lifetime.ApplicationStopping.Register(() => stopping.TrySetResult());
            lifetime.ApplicationStarted.Register(() => started.TrySetResult());

            await app.StartAsync();

            await stopping.Task.WaitAsync(TimeSpan.FromSeconds(10));
            await app.StopAsync();
        }
    }

    [Fact]
    public async Task Host_Running_StopsCleanlyAndTheNodeReopens()
    {
        await using (var node = await HeadEndNode.OpenAsync(Options()))
        {
            var app = ServerApplication.Build(new ServerOptions { Urls = ["http://127.0.0.1:0"] }, node);
            await using (app)
            {
                await app.StartAsync();
                await app.StopAsync().WaitAsync(TimeSpan.FromSeconds(20));
            }
        }

        await using var again = await HeadEndNode.OpenAsync(Options());
        Assert.NotNull(again.Scheduler);
    }

    public void Dispose()
    {
        Directory.Delete(_directory, recursive: true);
    }
}
