using System.Net;
using System.Text.RegularExpressions;
using Meterline.Server.Access;

namespace Meterline.Server.Tests.Access;

/// <summary>
/// The operator app's sign-in form posted more often than the per-source limit allows: the browser gets the sign-in
/// page again (HTML, status 429, Retry-After, the seconds to wait in the message, a fresh form with its anti-forgery
/// token and the return path kept), while the API's sign-in keeps its problem JSON.
/// </summary>
public sealed partial class SignInFormThrottleTests : IAsyncLifetime
{
    private RunningNode _server = null!;

    public async Task InitializeAsync() =>
        _server = await RunningNode.StartAsync(o => o with { Analytics = null }, s => s with { Access = new AccessServerOptions { LoginsPerSourcePerMinute = 2, LoginsPerNamePerMinute = 50 } });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task SignInForm_MoreThanTheSourceLimit_SignInPage429WithRetryAfter()
    {
        using var browser = new HttpClient(new HttpClientHandler { UseCookies = true, CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
        {
            BaseAddress = _server.Address,
            Timeout = TimeSpan.FromSeconds(30),
        };
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? throttled = null;
        for (var i = 0; i < 3; i++)
        {
            var response = await PostFormAsync(browser, "nobody-" + i, "/meters").WaitAsync(RunningNode.Bound);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                throttled = response;
            }
            else
            {
                response.Dispose();
            }
        }

        Assert.Equal([HttpStatusCode.Redirect, HttpStatusCode.Redirect, HttpStatusCode.TooManyRequests], statuses);
        using (throttled)
        {
            Assert.Equal("text/html", throttled!.Content.Headers.ContentType!.MediaType);
            var seconds = throttled.Headers.RetryAfter!.Delta!.Value.TotalSeconds;
            Assert.InRange(seconds, 1, 60);
            var html = await throttled.Content.ReadAsStringAsync();
            Assert.Contains($"Too many sign-in attempts; try again in {seconds:0} second", html, StringComparison.Ordinal);
            Assert.Matches(TokenPattern(), html);
            Assert.Contains("name=\"returnUrl\" value=\"/meters\"", html, StringComparison.Ordinal);
            Assert.Contains("default-src 'self'", throttled.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        }

        using var api = await browser.PostAsync(new Uri("/api/session", UriKind.Relative),
            new StringContent("""{"name":"nobody","password":"whatever password"}""", System.Text.Encoding.UTF8, "application/json"));
        await Api.AssertProblemAsync(api, HttpStatusCode.TooManyRequests, "rate-limited");
        Assert.Contains(await _server.Node.Stores.Audit.GetRecentAsync(OperatorSignInPath, 20), e => e.Action == "access.login.rate-limited");
    }

    private const string OperatorSignInPath = "POST " + Meterline.Web.OperatorApp.SignInFormPath;

    private static async Task<HttpResponseMessage> PostFormAsync(HttpClient browser, string name, string returnUrl)
    {
        var page = await browser.GetStringAsync(new Uri(Meterline.Web.OperatorApp.SignInPath, UriKind.Relative));
        var token = TokenPattern().Match(page).Groups[1].Value;
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token),
            ["returnUrl"] = returnUrl,
            ["name"] = name,
            ["password"] = "not the password",
        });
        return await browser.PostAsync(new Uri(Meterline.Web.OperatorApp.SignInFormPath, UriKind.Relative), form);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
