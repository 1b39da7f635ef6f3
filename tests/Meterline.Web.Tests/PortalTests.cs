using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Meterline.Web.Tests;

/// <summary>
/// The consumer portal in Chromium against a real node and simulated fleet: a consumer signs in and lands on the
/// portal, sees the cost so far and their prepaid balance, their meter's daily and monthly charts and their bill,
/// tops up and sees the balance change; another consumer's meter or bill is "not found" (404) and audited; operators
/// and consumers are each kept to their own app.
/// </summary>
public sealed partial class PortalTests(PortalFixture fixture) : IClassFixture<PortalFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    [Fact]
    public Task SignIn_Consumer_LandsOnThePortalWithCostSoFarAndPrepaidBalance() => RunAsync(async () =>
    {
        var page = await fixture.SignInAsync();

        Assert.EndsWith("/my", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
        await Expect(page.GetByTestId("consumer-id")).ToHaveTextAsync("C-000001");
        await Expect(page.GetByTestId("portal-meter")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("portal-meter")).ToHaveAttributeAsync("data-serial", PortalFixture.OwnSerial);
        // The fleet's readings arrive in the first seconds: the cost so far appears once the meter has an interval.
        await ReloadUntilVisibleAsync(page, page.GetByTestId("cost-so-far"));
        await Expect(page.GetByTestId("cost-tariff")).ToHaveTextAsync("Domestic LT-1 (telescopic, time of use)");
        await Expect(page.GetByTestId("cost-total")).ToHaveTextAsync(MoneyInr());
        await Expect(page.GetByTestId("prepaid-balance")).ToHaveTextAsync(MoneyInr());
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Overview" })).ToHaveCountAsync(0);
        await Expect(page.Locator("script")).ToHaveCountAsync(0);
    });

    [Fact]
    public Task MeterPage_Consumer_DailyAndMonthlyChartsAndTheirPrintableBill() => RunAsync(async () =>
    {
        var page = await fixture.SignInAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Meter " + PortalFixture.OwnSerial }).ClickAsync();

        await Expect(page.GetByTestId("portal-serial")).ToHaveTextAsync(PortalFixture.OwnSerial);
        await ReloadUntilVisibleAsync(page, page.GetByTestId("daily-chart"));
        await Expect(page.GetByTestId("daily-chart").Locator("rect.usage-bar")).ToHaveCountAsync(30);
        await Expect(page.GetByTestId("monthly-chart").Locator("rect.usage-bar")).ToHaveCountAsync(12);
        await Expect(page.GetByTestId("daily-chart").Locator("rect.usage-bar").Last).Not.ToHaveAttributeAsync("height", "0");
        await Expect(page.GetByTestId("cost-so-far")).ToBeVisibleAsync();
        var link = page.GetByTestId("bills").Locator($"tr[data-bill='{fixture.OwnBill.Number}'] a");
        await link.ClickAsync();
        await page.WaitForLoadStateAsync(LoadState.Load);

        Assert.EndsWith("/my/bills/" + fixture.OwnBill.Number, new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
        await Expect(page.Locator("body")).ToContainTextAsync(fixture.OwnBill.Number);
    });

    [Fact]
    public Task TopUp_Consumer_BalanceChangesAndTheLedgerShowsIt() => RunAsync(async () =>
    {
        var page = await fixture.SignInAsync();
        var reference = "UPI-" + Guid.NewGuid().ToString("N")[..10];
        var before = await page.GetByTestId("prepaid-balance").TextContentAsync();

        await page.GetByTestId("top-up-amount").FillAsync("750.00");
        await page.GetByTestId("top-up-reference").FillAsync(reference);
        await page.GetByTestId("top-up-submit").ClickAsync();

        await Expect(page.GetByTestId("top-up-message")).ToHaveTextAsync("Recorded a top-up of 750.00 INR.");
        await Expect(page.GetByTestId("prepaid-balance")).Not.ToHaveTextAsync(before!);
        await Expect(page.GetByTestId("ledger").Locator("tr", new() { HasText = reference })).ToContainTextAsync("750.00 INR");
        var account = await fixture.Node.Node.Prepaid!.Store.GetAsync("C-000001");
        var entries = await fixture.Node.Node.Prepaid.Store.ListLedgerAsync("C-000001", null, 100);
        Assert.Single(entries, e => e.Reference == reference && e.Amount == 750.00m && e.Actor == fixture.Consumer.Name);
        Assert.NotNull(account);
    });

    [Fact]
    public Task AnotherConsumersMeterOrBill_TypedIntoTheAddressBar_NotFoundAndAudited() => RunAsync(async () =>
    {
        var page = await fixture.SignInAsync();

        var meter = await page.GotoAsync(new Uri(fixture.Node.Address, "/my/meters/" + PortalFixture.OtherSerial).ToString());
        Assert.Equal(404, meter!.Status);
        Assert.Contains("data-testid=\"not-found\"", await page.ContentAsync(), StringComparison.Ordinal);
        await Expect(page.GetByTestId("not-found")).ToBeVisibleAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("Not found");
        var bill = await page.GotoAsync(new Uri(fixture.Node.Address, "/my/bills/" + fixture.OtherBill.Number).ToString());
        Assert.Equal(404, bill!.Status);
        var unknown = await page.GotoAsync(new Uri(fixture.Node.Address, "/my/meters/NOSUCH01").ToString());
        Assert.Equal(404, unknown!.Status);

        var audit = await fixture.Node.Node.Stores.Audit.GetRecentAsync(null, 200);
        Assert.Contains(audit, e => e.Action == "access.denied.not-owner" && e.Actor == fixture.Consumer.Name
            && e.Subject == "GET /my/meters/" + PortalFixture.OtherSerial);
    });

    [Fact]
    public Task OperatorPages_Consumer_SentToThePortal_AndPortal_Operator_SentToTheOperatorApp() => RunAsync(async () =>
    {
        var page = await fixture.SignInAsync();
        await page.GotoAsync(new Uri(fixture.Node.Address, "/meters/" + PortalFixture.OwnSerial).ToString());
        Assert.EndsWith("/my", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);

        page = await fixture.SignInAsync(fixture.Node.Operator);
        await Expect(page.Locator(".shell[data-interactive=true]")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "My account" })).ToHaveCountAsync(0);
        await page.GotoAsync(new Uri(fixture.Node.Address, "/my").ToString());
        Assert.Equal("/", new Uri(page.Url).AbsolutePath);
    });

    [Fact]
    public Task Portal_PhoneWidth_NoHorizontalScrollAndScreenshots() => RunAsync(async () =>
    {
        var target = Environment.GetEnvironmentVariable("METERLINE_SCREENSHOTS");
        var directory = string.IsNullOrEmpty(target) ? Directory.CreateTempSubdirectory("meterline-portal-").FullName : Path.GetFullPath(target);
        Directory.CreateDirectory(directory);
        try
        {
            var page = await fixture.SignInAsync();
            await page.SetViewportSizeAsync(390, 844);
            await ReloadUntilVisibleAsync(page, page.GetByTestId("cost-so-far"));
            Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), "The portal scrolls sideways at 390 px.");
            await page.ScreenshotAsync(new() { Path = Path.Combine(directory, "portal-phone.png"), FullPage = true });
            await page.GotoAsync(new Uri(fixture.Node.Address, "/my/meters/" + PortalFixture.OwnSerial).ToString());
            await ReloadUntilVisibleAsync(page, page.GetByTestId("daily-chart"));
            Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), "The meter page scrolls sideways at 390 px.");
            await page.ScreenshotAsync(new() { Path = Path.Combine(directory, "portal-meter-phone.png"), FullPage = true });
            await page.SetViewportSizeAsync(1280, 800);
            await page.ScreenshotAsync(new() { Path = Path.Combine(directory, "portal-meter.png"), FullPage = true });
            foreach (var name in new[] { "portal-phone", "portal-meter-phone", "portal-meter" })
            {
                Assert.True(new FileInfo(Path.Combine(directory, name + ".png")).Length > 10_000, name);
            }
        }
        finally
        {
            if (string.IsNullOrEmpty(target))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    });

    [GeneratedRegex(@"^-?[\d,]+\.\d\d INR$")]
    private static partial Regex MoneyInr();

    /// <summary>Reloads the server-rendered page (it is not live) until the element is there.</summary>
    private static async Task ReloadUntilVisibleAsync(IPage page, ILocator locator)
    {
        while (await locator.CountAsync() == 0)
        {
            await page.WaitForTimeoutAsync(500);
            await page.ReloadAsync();
        }

        await Expect(locator).ToBeVisibleAsync();
    }

    private async Task RunAsync(Func<Task> test)
    {
        await test().WaitAsync(Bound);
        fixture.AssertNoCspViolations();
    }
}
