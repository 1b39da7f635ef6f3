using System.Security.Cryptography;
using System.Text;
using Meterline.HeadEnd.Access;
using Meterline.HeadEnd.Audit;
using Meterline.Server.Access;
using Meterline.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Meterline.Server.Tests.Access;

/// <summary>
/// The session key ring in the head-end database (SQLite here; two PostgreSQL nodes in Meterline.MultiNode.Tests):
/// what one node protects another node on the database reads, the master key is never stored in clear, its creation is
/// audited, nodes starting at once make one key, and a node with another session key file is refused at start.
/// </summary>
public sealed class SharedSessionKeysTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly string _directory = Directory.CreateTempSubdirectory("meterline-session-keys-").FullName;
    private readonly List<ServiceProvider> _nodes = [];
    private IHeadEndStorage _storage = null!;
    private AuditLog _audit = null!;

    private string KeyFile => Path.Combine(_directory, "hes.session-key");

    public async Task InitializeAsync()
    {
        _storage = await HeadEndStorage.OpenAsync("Data Source=" + Path.Combine(_directory, "hes.db"));
        _audit = await AuditLog.OpenAsync(_storage.Audit, TimeProvider.System);
    }

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        await _storage.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Protect_OnOneNode_UnprotectedByAnotherOnTheDatabase()
    {
        var first = await StartNodeAsync(KeyFile, create: true);
        var second = await StartNodeAsync(KeyFile, create: false);

        var cookie = first.GetRequiredService<IDataProtectionProvider>().CreateProtector("session").Protect(Encoding.UTF8.GetBytes("asha"));

        Assert.Equal("asha", Encoding.UTF8.GetString(second.GetRequiredService<IDataProtectionProvider>().CreateProtector("session").Unprotect(cookie)));
        Assert.Throws<CryptographicException>(() => second.GetRequiredService<IDataProtectionProvider>().CreateProtector("another purpose").Unprotect(cookie));
    }

    [Fact]
    public async Task Start_FirstNode_OneKeyStoredEncryptedAndAudited()
    {
        await StartNodeAsync(KeyFile, create: true);
        using var key = SessionKeyEncryptionKey.Open(KeyFile, create: false);

        var element = Assert.Single(await _storage.SessionKeys.ListAsync());
        Assert.Contains("<" + SessionKeyEncryptor.ElementName + " " + SessionKeyEncryptor.KeyIdAttribute + "=\"" + key.Id + "\"", element.Xml, StringComparison.Ordinal);
        Assert.DoesNotContain("masterKey", element.Xml, StringComparison.Ordinal);
        var audited = Assert.Single(await _storage.Audit.GetRecentAsync(element.Name, 10));
        Assert.Equal(DatabaseXmlRepository.CreatedAction, audited.Action);
        Assert.DoesNotContain(element.Xml, audited.Detail, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(KeyFile));
        }
    }

    [Fact]
    public async Task Start_SeveralNodesAtOnce_OneKeyMadeAndUsedByAll()
    {
        SessionKeyEncryptionKey.Open(KeyFile, create: true).Dispose();

        var nodes = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => StartNodeAsync(KeyFile, create: false)))).WaitAsync(Bound);

        Assert.Single(await _storage.SessionKeys.ListAsync());
        var protectedByEach = nodes.Select(n => n.GetRequiredService<IDataProtectionProvider>().CreateProtector("session").Protect([1, 2, 3])).ToList();
        Assert.All(protectedByEach, p => Assert.Equal([1, 2, 3], nodes[^1].GetRequiredService<IDataProtectionProvider>().CreateProtector("session").Unprotect(p)));
        Assert.Single(await _storage.SessionKeys.ListAsync());
    }

    [Fact]
    public async Task Start_AnotherSessionKeyFile_RefusedNamingBothKeys()
    {
        await StartNodeAsync(KeyFile, create: true);
        var otherFile = Path.Combine(_directory, "other.session-key");

        var refused = await Assert.ThrowsAsync<SessionKeyRingException>(() => StartNodeAsync(otherFile, create: true));

        using var other = SessionKeyEncryptionKey.Open(otherFile, create: false);
        Assert.Contains(other.Id, refused.Message, StringComparison.Ordinal);
        Assert.Contains("--session-key-file", refused.Message, StringComparison.Ordinal);
        Assert.Single(await _storage.SessionKeys.ListAsync());
    }

    [Fact]
    public void Open_FileOfTheWrongLength_Refused()
    {
        var file = Path.Combine(_directory, "short.session-key");
        Meterline.HeadEnd.Keys.OwnerOnlyFile.Write(file, new byte[16], overwrite: false);

        Assert.Throws<InvalidDataException>(() => SessionKeyEncryptionKey.Open(file, create: false));
        Assert.Throws<FileNotFoundException>(() => SessionKeyEncryptionKey.Open(Path.Combine(_directory, "missing"), create: false));
    }

    /// <summary>A node's access services over the shared database, its session-key start run as the host would before serving.</summary>
    private async Task<IServiceProvider> StartNodeAsync(string keyFile, bool create)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton(TimeProvider.System).AddSingleton(_storage.SessionKeys);
        var access = new AccessService(_storage.Users, _storage.ApiTokens, _audit, TimeProvider.System);
        services.AddMeterlineAccess(access, _audit, new AccessServerOptions { SessionKeyFile = keyFile, CreateSessionKeyFile = create });
        var provider = services.BuildServiceProvider();
        lock (_nodes)
        {
            _nodes.Add(provider);
        }

        using var bound = new CancellationTokenSource(Bound);
        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(bound.Token);
        }

        return provider;
    }
}
