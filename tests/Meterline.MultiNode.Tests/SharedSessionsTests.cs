using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Meterline.CrashSafety.Tests;
using Meterline.Server.Access;
using Meterline.Server.Hosting;
using Meterline.Storage.Tests.Postgres;
using Npgsql;

namespace Meterline.MultiNode.Tests;

/// <summary>
/// Browser sessions across two real <c>meterline serve</c> nodes on one private PostgreSQL database, started at once
/// with the same <c>--session-key-file</c> (docs/access.md, "Sessions on several nodes"): they make one session key
/// between them, a cookie issued by either is accepted by the other, signing out through the other node clears it, and
/// a disabled user's session is refused by both.
/// </summary>
public sealed class SharedSessionsTests : IAsyncLifetime
{
    private const string Password = "correct horse battery";
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(90);
    private readonly PostgresCluster _postgres = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("meterline-sessions-").FullName;

    public Task InitializeAsync() => _postgres.InitializeAsync();

    public async Task DisposeAsync()
    {
        await _postgres.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task TwoNodes_OneSessionKeyFile_CookieFromEitherAcceptedByBothDisabledUserRefusedByBoth()
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var token = bound.Token;
        var database = await _postgres.CreateDatabaseAsync(token);
        var keyFile = Path.Combine(_directory, "hes.kek");
        var tokenFile = Path.Combine(_directory, "admin-token");
        var sessionKeyFile = Path.Combine(_directory, "hes.session-key");

        // An installer migrates the database and writes the admin token, and makes the session key file every node gets.
        await using (await HeadEndNode.OpenAsync(ConsoleOptions(database, keyFile, tokenFile), token))
        {
        }

        SessionKeyEncryptionKey.Open(sessionKeyFile, create: true).Dispose();
        var started = await Task.WhenAll(StartNodeAsync("node-a", database, keyFile, sessionKeyFile), StartNodeAsync("node-b", database, keyFile, sessionKeyFile)).WaitAsync(token);
        await using var a = started[0].Process;
        await using var b = started[1].Process;
        var (apiA, apiB) = (started[0].Api, started[1].Api);

        Assert.Equal(1, await CountAsync(database, "SELECT count(*) FROM session_keys WHERE xml LIKE '<key %'", token));
        Assert.Equal(0, await CountAsync(database, "SELECT count(*) FROM session_keys WHERE xml LIKE '%masterKey%'", token));

        using var http = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(30) };
        var admin = new AuthenticationHeaderValue("Bearer", (await File.ReadAllLinesAsync(tokenFile, token))[0].Trim());
        using (var add = new HttpRequestMessage(HttpMethod.Post, new Uri(apiA, "/api/users")) { Content = JsonContent.Create(new { name = "asha", password = Password, roles = new[] { "operator" } }) })
        {
            add.Headers.Authorization = admin;
            using var added = await http.SendAsync(add, token);
            Assert.True(added.IsSuccessStatusCode, await added.Content.ReadAsStringAsync(token));
        }

        // Signed in on A, the session is valid on B; signing out on B clears the cookie.
        var (cookie, csrf) = await SignInAsync(http, apiA, token);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, HttpMethod.Get, apiB, "/api/session", cookie, null, token));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, HttpMethod.Get, apiB, "/api/meters", cookie, null, token));
        using (var signOut = Request(HttpMethod.Delete, apiB, "/api/session", cookie, csrf))
        {
            using var signedOut = await http.SendAsync(signOut, token);
            Assert.Equal(HttpStatusCode.NoContent, signedOut.StatusCode);
            var cleared = Assert.Single(signedOut.Headers.GetValues("Set-Cookie"), c => c.StartsWith(AccessSchemes.CookieName + "=", StringComparison.Ordinal));
            Assert.Contains("expires=Thu, 01 Jan 1970", cleared, StringComparison.OrdinalIgnoreCase);
        }

        // Signed in on B, valid on A; the user disabled (through B), refused by both.
        var (second, _) = await SignInAsync(http, apiB, token);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, HttpMethod.Get, apiA, "/api/session", second, null, token));
        using (var disable = new HttpRequestMessage(HttpMethod.Post, new Uri(apiB, "/api/users/asha/disable")))
        {
            disable.Headers.Authorization = admin;
            using var disabled = await http.SendAsync(disable, token);
            Assert.True(disabled.IsSuccessStatusCode, await disabled.Content.ReadAsStringAsync(token));
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(http, HttpMethod.Get, apiA, "/api/session", second, null, token));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(http, HttpMethod.Get, apiB, "/api/session", second, null, token));
        Assert.Equal(1, await CountAsync(database, "SELECT count(*) FROM session_keys WHERE xml LIKE '<key %'", token));
    }

    [Fact]
    public async Task SecondNode_AnotherSessionKeyFile_RefusesToStart()
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var token = bound.Token;
        var database = await _postgres.CreateDatabaseAsync(token);
        var keyFile = Path.Combine(_directory, "hes.kek");
        await using (await HeadEndNode.OpenAsync(ConsoleOptions(database, keyFile, Path.Combine(_directory, "admin-token")), token))
        {
        }

        var first = await StartNodeAsync("node-a", database, keyFile, Path.Combine(_directory, "a.session-key"));
        await using var a = first.Process;

        var refused = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            var second = await StartNodeAsync("node-b", database, keyFile, Path.Combine(_directory, "b.session-key"));
            await second.Process.DisposeAsync();
        });

        Assert.Contains("--session-key-file", refused.Message, StringComparison.Ordinal);
    }

    private static async Task<(string Cookie, string Csrf)> SignInAsync(HttpClient http, Uri api, CancellationToken token)
    {
        using var answer = await http.PostAsJsonAsync(new Uri(api, "/api/session"), new { name = "asha", password = Password }, token);
        var text = await answer.Content.ReadAsStringAsync(token);
        Assert.True(answer.StatusCode == HttpStatusCode.OK, $"sign-in on {api}: {(int)answer.StatusCode} {text}");
        var setCookie = Assert.Single(answer.Headers.GetValues("Set-Cookie"), c => c.StartsWith(AccessSchemes.CookieName + "=", StringComparison.Ordinal));
        using var body = JsonDocument.Parse(text);
        return (setCookie.Split(';')[0], body.RootElement.GetProperty("csrfToken").GetString()!);
    }

    private static HttpRequestMessage Request(HttpMethod method, Uri api, string path, string cookie, string? csrf)
    {
        var request = new HttpRequestMessage(method, new Uri(api, path));
        request.Headers.Add("Cookie", cookie);
        if (csrf is not null)
        {
            request.Headers.Add(AccessHeaders.Antiforgery, csrf);
        }

        return request;
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient http, HttpMethod method, Uri api, string path, string cookie, string? csrf, CancellationToken token)
    {
        using var request = Request(method, api, path, cookie, csrf);
        using var answer = await http.SendAsync(request, token);
        return answer.StatusCode;
    }

    private async Task<(ServeProcess Process, Uri Api)> StartNodeAsync(string name, string database, string keyFile, string sessionKeyFile)
    {
        var directory = Directory.CreateDirectory(Path.Combine(_directory, name)).FullName;
        var api = new Uri("http://127.0.0.1:" + FreePort.Next().ToString(CultureInfo.InvariantCulture));
        string[] arguments =
        [
            "--db", database,
            "--key-file", keyFile,
            "--session-key-file", sessionKeyFile,
            "--profiles", RepositoryPaths.Profiles,
            "--push", "none",
            "--listen", api.ToString().TrimEnd('/'),
            "--log-level", "warning",
            "--node-name", name,
            "--no-analytics",
            "--no-outages",
        ];
        return (await ServeProcess.StartAsync(arguments, directory, ProcessTimeout, name: name), api);
    }

    private static HeadEndOptions ConsoleOptions(string database, string keyFile, string tokenFile) => new()
    {
        Database = database,
        KeyFile = keyFile,
        CreateKeyFile = true,
        ProfilesDirectory = RepositoryPaths.Profiles,
        PushListeners = [],
        Scheduler = null,
        Backfill = null,
        BootstrapTokenFile = tokenFile,
    };

    private static async Task<long> CountAsync(string database, string sql, CancellationToken token)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(token);
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(token), CultureInfo.InvariantCulture);
    }
}
