using Meterline.HeadEnd.Access;
using Meterline.HeadEnd.Billing;
using static Microsoft.Playwright.Assertions;

namespace Meterline.Web.Tests;

/// <summary>
/// Screenshots of the outage, energy balance, power quality, billing, audit and users pages (signed in as an admin, data
/// seeded as in <see cref="OperatorPagesTests"/>) at 1280×800, into <c>METERLINE_SCREENSHOTS</c> (scripts/screenshots.sh
/// sets it to docs/screenshots) or else a temporary directory.
/// </summary>
public sealed class PageScreenshotTests(OperatorFixture fixture) : IClassFixture<OperatorFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(180);

    private static readonly string[] Names = ["outages", "balance", "power-quality", "billing", "prepaid", "audit", "users"];

    [Fact]
    public async Task Screenshots_OperatorPages_Saved()
    {
        var target = Environment.GetEnvironmentVariable("METERLINE_SCREENSHOTS");
        var directory = string.IsNullOrEmpty(target) ? Directory.CreateTempSubdirectory("meterline-screens-").FullName : Path.GetFullPath(target);
        Directory.CreateDirectory(directory);
        try
        {
            await TakeAsync(directory).WaitAsync(Bound);
            foreach (var name in Names)
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
    }

    private async Task TakeAsync(string directory)
    {
        var admin = PageSeed.NewUser("admin1", AccessRole.Admin);
        var node = fixture.Node;
        await PageSeed.EnsureUsersAsync(node, admin);
        var month = new BillingMonth(2026, 3);
        await PageSeed.OutageAsync(node);
        await PageSeed.BillAsync(node, month);
        await PageSeed.PrepaidAsync(node, "C-0003");
        var transformerMeter = (await node.Node.Meters.FindBySerialAsync("MTL00000001"))!.Id;
        await node.Node.Storage.Transformers.SetTransformerMeterAsync("T1", transformerMeter);
        await PageSeed.WaitForIntervalsAsync(node, transformerMeter);

        var page = await fixture.OpenAsync("/outages", admin);
        await page.GetByTestId("reliability-calculate").ClickAsync();
        await Expect(page.GetByTestId("saidi")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(directory, "outages.png"), FullPage = true });

        page = await fixture.OpenAsync("/balance", admin);
        await page.Locator("tr[data-transformer='T1']").GetByTestId("show-suspects").ClickAsync();
        await Expect(page.GetByTestId("suspect-table")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(directory, "balance.png"), FullPage = true });

        page = await fixture.OpenAsync("/power-quality", admin);
        await Expect(page.GetByTestId("pq-meter-table").Locator("tbody tr").First).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(directory, "power-quality.png"), FullPage = true });

        page = await fixture.OpenAsync("/billing", admin);
        await page.GetByTestId("bill-month").FillAsync(month.ToString());
        await page.GetByTestId("bill-show").ClickAsync();
        await Expect(page.GetByTestId("bill-table").Locator("tbody tr").First).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(directory, "billing.png"), FullPage = true });

        page = await fixture.OpenAsync("/billing/prepaid/C-0003", admin);
        await Expect(page.GetByTestId("ledger-table").Locator("tbody tr").First).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(directory, "prepaid.png"), FullPage = true });

        page = await fixture.OpenAsync("/audit", admin);
        await page.GetByTestId("verify-chain").ClickAsync();
        await Expect(page.GetByTestId("verify-result")).ToContainTextAsync("Intact");
        await page.ScreenshotAsync(new() { Path = Path.Combine(directory, "audit.png") });

        page = await fixture.OpenAsync("/users", admin);
        await Expect(page.GetByTestId("user-table").Locator("tbody tr").First).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(directory, "users.png"), FullPage = true });
        await fixture.SignOutAsync();
    }
}
