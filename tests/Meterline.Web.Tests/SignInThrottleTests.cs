using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Meterline.Web.Tests;

/// <summary>
/// The sign-in form in Chromium against a node that allows two sign-ins a minute from one address: the third submit
/// shows the sign-in page again (document status 429, Retry-After) with the seconds to wait and a working form, under
/// the strict CSP; the API's sign-in from the same address keeps its problem JSON.
/// </summary>
public sealed class SignInThrottleTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);
    private OperatorNode? _node;
    private Chromium? _chromium;

    public async Task InitializeAsync()
    {
        SetDefaultExpectTimeout(30_000);
        _node = await OperatorNode.StartAsync(1, server: new Meterline.Server.ServerOptions
        {
            Access = new Meterline.Server.Access.AccessServerOptions { LoginsPerSourcePerMinute = 2, LoginsPerNamePerMinute = 50 },
        }).WaitAsync(OperatorNode.Bound);
        _chromium = await Chromium.LaunchAsync().WaitAsync(OperatorNode.Bound);
    }

    public async Task DisposeAsync()
    {
        if (_chromium is not null)
        {
            await _chromium.DisposeAsync();
        }

        if (_node is not null)
        {
            await _node.DisposeAsync();
        }
    }

    [Fact]
    public async Task SignInForm_MoreThanTheSourceLimit_SignInPageAgainWith429AndSecondsToWait()
    {
        await RunAsync().WaitAsync(Bound);
        Assert.Empty(_chromium!.CspViolations);
    }

    private async Task RunAsync()
    {
        var node = _node!;
        var page = await _chromium!.OpenAsync(new Uri(node.Address, "/alerts"));
        var statuses = new List<int>();
        IResponse? last = null;
        for (var i = 0; i < 3; i++)
        {
            await page.GetByTestId("sign-in-name").FillAsync(node.Operator.Name);
            await page.GetByTestId("sign-in-password").FillAsync("not-the-password-" + i);
            last = await page.RunAndWaitForResponseAsync(
                () => page.GetByTestId("sign-in-submit").ClickAsync(),
                r => r.Request.Method == "POST" && new Uri(r.Url).AbsolutePath == OperatorApp.SignInFormPath);
            statuses.Add(last.Status);
            await page.WaitForLoadStateAsync(LoadState.Load);
        }

        Assert.Equal([302, 302, 429], statuses);
        Assert.Contains("text/html", last!.Headers["content-type"], StringComparison.Ordinal);
        Assert.Contains("default-src 'self'", last.Headers["content-security-policy"], StringComparison.Ordinal);
        var seconds = int.Parse(last.Headers["retry-after"], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(seconds, 1, 60);
        await Expect(page.GetByTestId("sign-in-message")).ToHaveTextAsync(new Regex($"^Too many sign-in attempts; try again in {seconds} seconds?\\.$"));
        await Expect(page.Locator("h1")).ToHaveTextAsync("Sign in");
        await Expect(page.GetByTestId("sign-in-form").Locator("input[name=returnUrl]")).ToHaveValueAsync("/alerts");
        await Expect(page.GetByTestId("sign-in-form").Locator("input[name=__RequestVerificationToken]")).ToHaveCountAsync(1);
        Assert.DoesNotContain(await _chromium.Context.CookiesAsync(), c => c.Name == "meterline.session");

        // The API's sign-in, from the same address and limit, answers with its problem JSON.
        var api = await page.APIRequest.PostAsync(new Uri(node.Address, "/api/session").ToString(), new() { DataObject = new { name = node.Operator.Name, password = "x" } });
        Assert.Equal(429, api.Status);
        Assert.Contains("application/problem+json", api.Headers["content-type"], StringComparison.Ordinal);
        Assert.Contains("urn:meterline:problem:rate-limited", await api.TextAsync(), StringComparison.Ordinal);
    }
}
