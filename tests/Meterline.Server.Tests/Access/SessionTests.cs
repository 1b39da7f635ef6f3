using System.Net;
using System.Text;
using System.Text.Json;
using Meterline.HeadEnd.Access;
using Meterline.Server.Access;

namespace Meterline.Server.Tests.Access;

/// <summary>Browser sessions over real HTTP: sign-in, the cookie, who-am-I, anti-forgery, lockout, the sign-in rate limit, refusals audited.</summary>
public sealed class SessionTests : IAsyncLifetime
{
    private const string Password = "correct horse battery";
    private RunningServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await RunningServer.StartAsync(o => o with { Access = new AccessServerOptions { LoginsPerSourcePerMinute = 8, LoginsPerNamePerMinute = 8 } });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task SignIn_RightPassword_HttpOnlyStrictCookieAndWhoAmI()
    {
        await _server.Access.CreateUserAsync("test", "asha", Password, [AccessRole.Operator], null);
        using var browser = Browser();

        using var signIn = await SignInAsync(browser, "asha", Password);
        using var who = await browser.GetAsync(new Uri("/api/session", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        var cookie = Assert.Single(signIn.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith(AccessSchemes.CookieName + "=", cookie, StringComparison.Ordinal);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", cookie, StringComparison.OrdinalIgnoreCase);
        var session = await Api.JsonAsync(who);
        Assert.Equal("asha", session.GetProperty("name").GetString());
        Assert.Equal(["operator"], session.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("cookie", session.GetProperty("authentication").GetString());
        Assert.Equal(64, session.GetProperty("csrfToken").GetString()!.Length);
        Assert.Contains(await _server.Stores.Audit.GetRecentAsync("asha", 10), e => e.Action == "access.login.succeeded" && e.Actor == "asha");
    }

    [Fact]
    public async Task CookiePost_WithoutOrWithWrongAntiforgeryToken_403AndAudited_WithItPasses()
    {
        await _server.Access.CreateUserAsync("test", "ravi", Password, [AccessRole.Admin], null);
        using var browser = Browser();
        using var signIn = await SignInAsync(browser, "ravi", Password);
        var csrf = (await Api.JsonAsync(signIn)).GetProperty("csrfToken").GetString()!;

        using var without = await browser.PostAsync(new Uri("/api/users", UriKind.Relative), Json("{}"));
        using var wrong = await SendAsync(browser, HttpMethod.Post, "/api/users", new string('0', 64));
        using var with = await SendAsync(browser, HttpMethod.Post, "/api/users", csrf);

        await Api.AssertProblemAsync(without, HttpStatusCode.Forbidden, "antiforgery");
        await Api.AssertProblemAsync(wrong, HttpStatusCode.Forbidden, "antiforgery");
        await Api.AssertProblemAsync(with, HttpStatusCode.BadRequest, "invalid-access-request");
        Assert.Contains(await _server.Stores.Audit.GetRecentAsync("POST /api/users", 10), e => e.Action == "access.denied.antiforgery" && e.Actor == "ravi");
    }

    [Fact]
    public async Task SignIn_FiveWrongPasswords_LockedOutEvenWithTheRightOne()
    {
        await _server.Access.CreateUserAsync("test", "meera", Password, [AccessRole.Viewer], null);
        using var browser = Browser();

        for (var i = 0; i < _server.Access.Options.MaxFailedLogins; i++)
        {
            using var wrong = await SignInAsync(browser, "meera", "not the password " + i);
            await Api.AssertProblemAsync(wrong, HttpStatusCode.Unauthorized, "sign-in-failed");
        }

        using var right = await SignInAsync(browser, "meera", Password);

        await Api.AssertProblemAsync(right, HttpStatusCode.Unauthorized, "sign-in-failed");
        Assert.NotNull((await _server.Access.Users.FindAsync("meera"))!.LockedUntil);
        var audit = await _server.Stores.Audit.GetRecentAsync("meera", 20);
        Assert.Contains(audit, e => e.Action == "access.user.locked-out");
        Assert.Single(audit, e => e.Action == "access.login.failed");
    }

    [Fact]
    public async Task SignIn_MoreThanTheSourceLimit_429WithRetryAfterAndAuditedOnce()
    {
        using var browser = Browser();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 10; i++)
        {
            using var attempt = await SignInAsync(browser, "nobody-" + i, "whatever password");
            statuses.Add(attempt.StatusCode);
            if (attempt.StatusCode == HttpStatusCode.TooManyRequests)
            {
                await Api.AssertProblemAsync(attempt, HttpStatusCode.TooManyRequests, "rate-limited");
                Assert.NotNull(attempt.Headers.RetryAfter);
            }
        }

        Assert.Equal(8, statuses.Count(s => s == HttpStatusCode.Unauthorized));
        Assert.Equal(2, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.Single(await _server.Stores.Audit.GetRecentAsync("POST /api/session", 20), e => e.Action == "access.login.rate-limited");
    }

    [Fact]
    public async Task SignOut_ThenTheCookie_401()
    {
        await _server.Access.CreateUserAsync("test", "kiran", Password, [AccessRole.Viewer], null);
        using var browser = Browser();
        using var signIn = await SignInAsync(browser, "kiran", Password);
        var csrf = (await Api.JsonAsync(signIn)).GetProperty("csrfToken").GetString()!;

        using var signOut = await SendAsync(browser, HttpMethod.Delete, "/api/session", csrf);
        using var after = await browser.GetAsync(new Uri("/api/meters", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NoContent, signOut.StatusCode);
        await Api.AssertProblemAsync(after, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task Session_UserDisabledByAnAdmin_EndsAtTheNextRequest()
    {
        await _server.Access.CreateUserAsync("test", "devi", Password, [AccessRole.Viewer], null);
        using var browser = Browser();
        using var signIn = await SignInAsync(browser, "devi", Password);

        using var disable = await Api.PostAsync(_server.Client, "/api/users/devi/disable", "{}");
        using var after = await browser.GetAsync(new Uri("/api/meters", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, disable.StatusCode);
        await Api.AssertProblemAsync(after, HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Contains(await _server.Stores.Audit.GetRecentAsync("devi", 10), e => e.Action == "access.user.disabled" && e.Actor == "test-admin");
    }

    [Fact]
    public async Task Forbidden_ViewerPosts_403AuditedOncePerSourceAndWindow()
    {
        using var client = new HttpClient { BaseAddress = _server.Address, Timeout = TimeSpan.FromSeconds(10) };
        client.DefaultRequestHeaders.Authorization = await ActorTokens.CreateAsync(_server.Access, "viewer-7", AccessRole.Viewer);

        using var first = await client.PostAsync(new Uri("/api/commands", UriKind.Relative), Json("{}"));
        using var second = await client.PostAsync(new Uri("/api/commands", UriKind.Relative), Json("{}"));

        await Api.AssertProblemAsync(first, HttpStatusCode.Forbidden, "forbidden");
        await Api.AssertProblemAsync(second, HttpStatusCode.Forbidden, "forbidden");
        var entry = Assert.Single(await _server.Stores.Audit.GetRecentAsync("POST /api/commands", 10), e => e.Action == "access.denied.forbidden");
        Assert.Equal("viewer-7", entry.Actor);
        using var detail = JsonDocument.Parse(entry.Detail);
        Assert.Equal("127.0.0.1", detail.RootElement.GetProperty("source").GetString());
        Assert.Equal(403, detail.RootElement.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Unauthenticated_WrongToken_401Audited()
    {
        using var client = new HttpClient { BaseAddress = _server.Address, Timeout = TimeSpan.FromSeconds(10) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "mtl_000000000000_" + new string('a', 64));

        using var response = await client.GetAsync(new Uri("/api/meters", UriKind.Relative));

        await Api.AssertProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Contains(await _server.Stores.Audit.GetRecentAsync("GET /api/meters", 10), e => e.Action == "access.denied.unauthenticated" && e.Actor == "anonymous");
    }

    [Fact]
    public async Task AnyResponse_SecurityHeaders_AndNoStoreOnTheApi()
    {
        using var meters = await _server.Client.GetAsync(new Uri("/api/meters", UriKind.Relative));
        using var missing = await _server.Client.GetAsync(new Uri("/no/such/page", UriKind.Relative));
        using var anonymous = new HttpClient { BaseAddress = _server.Address, Timeout = TimeSpan.FromSeconds(10) };
        using var refused = await anonymous.GetAsync(new Uri("/api/meters", UriKind.Relative));

        foreach (var response in new[] { meters, missing, refused })
        {
            Assert.Equal(SecurityHeaders.ContentSecurityPolicy, string.Join(",", response.Headers.GetValues("Content-Security-Policy")));
            Assert.Equal("nosniff", string.Join(",", response.Headers.GetValues("X-Content-Type-Options")));
            Assert.Equal("no-referrer", string.Join(",", response.Headers.GetValues("Referrer-Policy")));
            Assert.Equal("DENY", string.Join(",", response.Headers.GetValues("X-Frame-Options")));
            Assert.False(response.Headers.Contains("Strict-Transport-Security"), "no HSTS over plain HTTP");
        }

        Assert.True(meters.Headers.CacheControl!.NoStore);
        Assert.True(refused.Headers.CacheControl!.NoStore);
    }

    private HttpClient Browser() =>
        new(new HttpClientHandler { UseCookies = true, CookieContainer = new CookieContainer() }) { BaseAddress = _server.Address, Timeout = TimeSpan.FromSeconds(30) };

    private static Task<HttpResponseMessage> SignInAsync(HttpClient browser, string name, string password) =>
        browser.PostAsync(new Uri("/api/session", UriKind.Relative), Json(JsonSerializer.Serialize(new { name, password })));

    private static async Task<HttpResponseMessage> SendAsync(HttpClient browser, HttpMethod method, string uri, string csrf)
    {
        using var request = new HttpRequestMessage(method, new Uri(uri, UriKind.Relative)) { Content = method == HttpMethod.Delete ? null : Json("{}") };
        request.Headers.Add(AccessHeaders.Antiforgery, csrf);
        return await browser.SendAsync(request);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
