using System.Globalization;
using System.Text.RegularExpressions;
using Meterline.HeadEnd.Meters;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Meterline.Web.Tests;

/// <summary>
/// The operator app in Chromium against a real node and a real simulated fleet, behind the access layer: signed in
/// through the form (as the operator unless a test says otherwise), under the strict Content-Security-Policy.
/// </summary>
public sealed partial class OperatorAppTests(OperatorFixture fixture) : IClassFixture<OperatorFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    [Fact]
    public Task Overview_SimulatedFleet_ShowsEveryMeterAndIngest() => RunAsync(async () =>
    {
        var page = await fixture.OpenAsync("/");

        await Expect(page.GetByTestId("meter-count")).ToContainTextAsync(OperatorFixture.Meters.ToString(CultureInfo.InvariantCulture));
        await Expect(page.GetByTestId("records-stored")).Not.ToHaveTextAsync("0");
        await Expect(page.GetByTestId("count-NoCommunication")).ToContainTextAsync("0");
    });

    [Fact]
    public Task Meters_Search_FindsTheMeterAndOpensItsPage() => RunAsync(async () =>
    {
        var page = await fixture.OpenAsync("/meters");
        await Expect(page.GetByTestId("meter-table").Locator("tbody tr")).ToHaveCountAsync(OperatorFixture.Meters);

        await page.GetByTestId("search").FillAsync("MTL00000002");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Expect(page.GetByTestId("meter-table").Locator("tbody tr")).ToHaveCountAsync(1);
        await page.GetByRole(AriaRole.Link, new() { Name = "MTL00000002" }).ClickAsync();

        await Expect(page.Locator("h1")).ToHaveTextAsync("Meter MTL00000002");
    });

    [Fact]
    public Task MeterPage_FleetPushes_LiveReadingArrivesWithoutReload() => RunAsync(async () =>
    {
        var page = await fixture.OpenAsync("/meters/MTL00000001");
        await Expect(page.GetByTestId("live-count")).ToHaveTextAsync(LiveCount());

        // Nothing reloads the page: the readings come over the circuit as the node commits them.
        await Expect(page.GetByTestId("live-count")).Not.ToHaveTextAsync(NoneLive());
        await Expect(page.GetByTestId("latest-values")).ToContainTextAsync("Wh");
        await Expect(page.GetByTestId("reading-chart")).ToBeVisibleAsync();
    });

    [Fact]
    public Task Disconnect_Confirmed_ProgressShownAndRelayReadsDisconnected() => RunAsync(async () =>
    {
        var page = await fixture.OpenAsync("/meters/MTL00000003");
        await Expect(page.GetByTestId("relay-state")).Not.ToHaveTextAsync("Disconnected");

        await page.GetByTestId("command-disconnect").ClickAsync();
        var dialog = page.GetByTestId("confirm-dialog");
        await Expect(dialog).ToBeVisibleAsync();
        await Expect(page.GetByTestId("confirm-yes")).ToBeFocusedAsync();
        await page.GetByTestId("confirm-no").ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();
        Assert.Equal(0, await page.GetByTestId("command-progress").CountAsync());

        await page.GetByTestId("command-disconnect").ClickAsync();
        await page.GetByTestId("confirm-yes").ClickAsync();

        var progress = page.GetByTestId("command-progress");
        await Expect(progress.Locator("[data-state=Requested]")).ToBeVisibleAsync();
        await Expect(progress.Locator("[data-state=Sent]")).ToBeVisibleAsync();
        await Expect(progress.Locator("[data-state=Confirmed]")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("relay-state")).ToHaveTextAsync("Disconnected");
        var meter = await fixture.Node.Node.Meters.FindBySerialAsync("MTL00000003");
        Assert.Equal(RelayState.Disconnected, meter!.RelayState);
        Assert.False(fixture.Node.Fleet.Meters.Single(m => m.Id == "MTL00000003").Meter.Relay.OutputState);
    });

    [Fact]
    public Task AlertInbox_MagnetOnAMeter_TamperAlertAppearsAndIsAcknowledged() => RunAsync(async () =>
    {
        var page = await fixture.OpenAsync("/alerts");

        var row = page.Locator("tr[data-category=tamper]").First;
        await Expect(row).ToBeVisibleAsync();
        await Expect(row).ToContainTextAsync("MTL");
        await row.GetByRole(AriaRole.Button, new() { Name = "Acknowledge" }).ClickAsync();

        await Expect(row.GetByTestId("alert-state")).ToContainTextAsync("Acknowledged by " + fixture.Node.Operator.Name);
        await Expect(row.GetByRole(AriaRole.Button, new() { Name = "Acknowledge" })).ToHaveCountAsync(0);

        // The operator takes the alert to work on, then gives it back.
        await row.GetByRole(AriaRole.Button, new() { Name = "Take" }).ClickAsync();
        await Expect(row.GetByTestId("alert-assignee")).ToHaveTextAsync(fixture.Node.Operator.Name);
        await row.GetByRole(AriaRole.Button, new() { Name = "Release" }).ClickAsync();
        await Expect(row.GetByTestId("alert-assignee")).ToHaveTextAsync("—");
        await Expect(row.GetByRole(AriaRole.Button, new() { Name = "Take" })).ToBeVisibleAsync();
    });

    [Fact]
    public Task Map_RegisteredLocations_DrawsEveryMeterAndBothTransformers() => RunAsync(async () =>
    {
        var page = await fixture.OpenAsync("/map");

        var map = page.GetByTestId("map");
        await Expect(map.Locator("circle.meter-dot")).ToHaveCountAsync(OperatorFixture.Meters);
        await Expect(map.Locator("[data-transformer]")).ToHaveCountAsync(2);
        await Expect(map.Locator("line.feeder-line")).ToHaveCountAsync(OperatorFixture.Meters);
    });

    [Fact]
    public Task Shell_Keyboard_HeadingFocusedAndTabReachesNavigationWithVisibleFocus() => RunAsync(async () =>
    {
        var page = await fixture.OpenAsync("/");

        // The page's heading has the focus after navigation; the skip link is the first stop of the page.
        await Expect(page.Locator("h1")).ToBeFocusedAsync();
        await page.Locator(".skip-link").FocusAsync();
        await Expect(page.Locator(".skip-link")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Meters" })).ToBeFocusedAsync();
        var outline = await page.GetByRole(AriaRole.Link, new() { Name = "Meters" }).EvaluateAsync<string>("e => getComputedStyle(e).outlineStyle");
        Assert.NotEqual("none", outline);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Meters");
    });

    [Fact]
    public Task SignIn_NotSignedIn_RedirectedToSignInThenBackToThePageAsTheUser() => RunAsync(async () =>
    {
        var user = fixture.Node.Operator;

        var page = await fixture.SubmitSignInAsync(user.Name, user.Password, "/meters");

        await Expect(page).ToHaveURLAsync(new Uri(fixture.Node.Address, "/meters").ToString());
        await Expect(page.GetByTestId("signed-in-user")).ToHaveTextAsync(user.Name);
        await Expect(page.GetByTestId("meter-table").Locator("tbody tr")).ToHaveCountAsync(OperatorFixture.Meters);
        var cookie = (await fixture.Chromium.Context.CookiesAsync()).Single(c => c.Name == "meterline.session");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
    });

    [Fact]
    public Task SignIn_WrongPassword_RefusedAndStaysSignedOut() => RunAsync(async () =>
    {
        var page = await fixture.SubmitSignInAsync(fixture.Node.Operator.Name, "not-the-password-at-all");

        await Expect(page.GetByTestId("sign-in-message")).ToContainTextAsync("Wrong name or password");
        Assert.DoesNotContain(await fixture.Chromium.Context.CookiesAsync(), c => c.Name == "meterline.session");
        await page.GotoAsync(new Uri(fixture.Node.Address, "/alerts").ToString());
        await Expect(page.GetByTestId("sign-in-form")).ToBeVisibleAsync();
    });

    [Fact]
    public Task SignOut_SignedIn_BackToSignInAndPagesNeedSignInAgain() => RunAsync(async () =>
    {
        var page = await fixture.OpenAsync("/");

        await page.GetByTestId("sign-out").ClickAsync();

        await Expect(page.GetByTestId("sign-in-message")).ToHaveTextAsync("Signed out.");
        await fixture.SignOutAsync();
        await page.GotoAsync(new Uri(fixture.Node.Address, "/map").ToString());
        await Expect(page.GetByTestId("sign-in-form")).ToBeVisibleAsync();
    });

    [Fact]
    public Task MeterPage_Viewer_SeesTheMeterButNoCommandOrAlertButtons() => RunAsync(async () =>
    {
        var page = await fixture.OpenAsync("/meters/MTL00000002", fixture.Node.Viewer);

        await Expect(page.GetByTestId("signed-in-user")).ToHaveTextAsync(fixture.Node.Viewer.Name);
        await Expect(page.GetByTestId("commands-denied")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("command-disconnect")).ToHaveCountAsync(0);

        page = await fixture.OpenAsync("/alerts", fixture.Node.Viewer);
        await Expect(page.Locator("tr[data-category]").First).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Acknowledge" })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Close" })).ToHaveCountAsync(0);
    });

    [Fact]
    public Task MeterPage_OperatorDemotedWhileTheTabIsOpen_CircuitLosesTheRoleAndThePageSignsOut() => RunAsync(async () =>
    {
        var user = new TestUser("operator-demoted", Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12)), Meterline.HeadEnd.Access.AccessRole.Operator);
        await fixture.Node.Node.Access.CreateUserAsync("web-tests", user.Name, user.Password, [user.Role], null);
        var page = await fixture.OpenAsync("/meters/MTL00000004", user);
        await Expect(page.GetByTestId("command-disconnect")).ToBeVisibleAsync();

        // An admin takes the operator role away; nothing reloads the tab: its open circuit finds out by itself.
        await fixture.Node.Node.Access.SetRolesAsync("web-tests", user.Name, [Meterline.HeadEnd.Access.AccessRole.Viewer], null);

        await Expect(page.GetByTestId("sign-in-name")).ToBeVisibleAsync();
        Assert.Equal(OperatorApp.SignInPath, new Uri(page.Url).AbsolutePath);
        await fixture.SignOutAsync();
    });

    [Fact]
    public Task SignIn_Consumer_SentToTheConsumerPortalNotTheOperatorApp() => RunAsync(async () =>
    {
        var consumer = fixture.Node.Consumer;

        var page = await fixture.SubmitSignInAsync(consumer.Name, consumer.Password);

        await Expect(page.Locator("h1")).ToHaveTextAsync("My account");
        await page.GotoAsync(new Uri(fixture.Node.Address, "/meters/MTL00000001").ToString());
        Assert.Equal("/my", new Uri(page.Url).AbsolutePath);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Meters" })).ToHaveCountAsync(0);
        await fixture.SignOutAsync();
    });

    [Fact]
    public Task EveryPage_StrictContentSecurityPolicy_NoViolation() => RunAsync(async () =>
    {
        foreach (var path in new[] { "/", "/meters", "/meters/MTL00000004", "/map", "/alerts" })
        {
            var page = await fixture.OpenAsync(path);
            var response = await page.ReloadAsync();
            Assert.Contains("default-src 'self'", response!.Headers["content-security-policy"], StringComparison.Ordinal);
            await Expect(page.Locator(".shell[data-interactive=true]")).ToBeVisibleAsync();
        }

        await fixture.SignOutAsync();
        foreach (var path in new[] { "/sign-in", "/not-allowed" })
        {
            var page = await fixture.Chromium.OpenAsync(new Uri(fixture.Node.Address, path));
            await Expect(page.Locator("h1")).ToBeVisibleAsync();
        }
    });

    [Fact]
    public Task Overview_ConnectionLost_OwnReconnectDialogThenRecoversAndUpdates() => RunAsync(async () =>
    {
        await fixture.OpenAsync("/");
        // A tab of its own whose circuit connection the test can cut: its WebSockets to /_blazor pass through
        // Playwright, and while "down" every new connection attempt (negotiate, and any other transport) is aborted.
        var page = await fixture.Chromium.Context.NewPageAsync();
        try
        {
            var down = false;
            var sockets = new System.Collections.Concurrent.ConcurrentQueue<IWebSocketRoute>();
            await page.RouteWebSocketAsync(new Regex("/_blazor"), socket =>
            {
                if (!Volatile.Read(ref down))
                {
                    socket.ConnectToServer();
                    sockets.Enqueue(socket);
                }
            });
            await page.RouteAsync("**/_blazor/**", route => Volatile.Read(ref down) ? route.AbortAsync() : route.ContinueAsync());
            await page.GotoAsync(new Uri(fixture.Node.Address, "/").ToString());
            await Expect(page.Locator(".shell[data-interactive=true]")).ToBeVisibleAsync();
            var dialog = page.GetByTestId("reconnect");
            await Expect(dialog).ToBeHiddenAsync();

            Volatile.Write(ref down, true);
            while (sockets.TryDequeue(out var socket))
            {
                await socket.CloseAsync();
            }

            // Our dialog (the framework's own would write a <style> element, which the CSP refuses), trying again.
            await Expect(dialog).ToBeVisibleAsync();
            await Expect(dialog).ToHaveClassAsync(new Regex("components-reconnect-(show|retrying)"));
            await Expect(page.GetByTestId("reconnect-trying")).ToBeVisibleAsync();
            await Expect(page.GetByTestId("reconnect-rejected")).ToBeHiddenAsync();
            Assert.Equal(1, await page.Locator("#components-reconnect-modal").CountAsync());

            Volatile.Write(ref down, false);
            await Expect(dialog).ToBeHiddenAsync();
            await Expect(dialog).ToHaveClassAsync(new Regex("components-reconnect-hide"));
            var stored = await page.GetByTestId("records-stored").TextContentAsync();
            await Expect(page.GetByTestId("records-stored")).Not.ToHaveTextAsync(stored!);
        }
        finally
        {
            await page.CloseAsync();
        }
    });

    [GeneratedRegex("^\\d+ readings received live")]
    private static partial Regex LiveCount();

    [GeneratedRegex("^0 readings received live")]
    private static partial Regex NoneLive();

    /// <summary>Runs a test within the bound, then fails it on any Content-Security-Policy violation the browser reported.</summary>
    private async Task RunAsync(Func<Task> test)
    {
        await test().WaitAsync(Bound);
        fixture.AssertNoCspViolations();
    }
}
