using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Meterline.Web.Tests;

/// <summary>
/// Screenshots of the main pages (signed in as an operator) and of the sign-in page at 1280×800 and at phone width (390×844), into the directory named by
/// <c>METERLINE_SCREENSHOTS</c> (scripts/screenshots.sh sets it to docs/screenshots) or else a temporary one.
/// </summary>
public sealed class ScreenshotTests(OperatorFixture fixture) : IClassFixture<OperatorFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(180);

    [Fact]
    public async Task Screenshots_MainPages_SavedAtDesktopAndPhoneWidth()
    {
        var target = Environment.GetEnvironmentVariable("METERLINE_SCREENSHOTS");
        var directory = string.IsNullOrEmpty(target) ? Directory.CreateTempSubdirectory("meterline-screens-").FullName : Path.GetFullPath(target);
        Directory.CreateDirectory(directory);
        try
        {
            await TakeAsync(directory).WaitAsync(Bound);
            foreach (var name in new[] { "overview", "meters", "meter", "map", "alerts", "meter-phone", "sign-in" })
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
        var page = await fixture.OpenAsync("/meters/MTL00000001");
        await page.SetViewportSizeAsync(1280, 800);
        await Expect(page.GetByTestId("reading-chart")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("live-count")).Not.ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^0 readings"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(directory, "meter.png"), FullPage = true });
        await page.SetViewportSizeAsync(390, 844);
        await page.ScreenshotAsync(new() { Path = Path.Combine(directory, "meter-phone.png"), FullPage = true });
        await page.SetViewportSizeAsync(1280, 800);

        page = await fixture.OpenAsync("/");
        await Expect(page.GetByTestId("records-stored")).Not.ToHaveTextAsync("0");
        await page.ScreenshotAsync(new() { Path = Path.Combine(directory, "overview.png"), FullPage = true });

        page = await fixture.OpenAsync("/meters");
        await Expect(page.GetByTestId("meter-table").Locator("tbody tr").First).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(directory, "meters.png"), FullPage = true });

        page = await fixture.OpenAsync("/map");
        await Expect(page.GetByTestId("map").Locator("circle.meter-dot").First).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(directory, "map.png"), FullPage = true });

        page = await fixture.OpenAsync("/alerts");
        await Expect(page.Locator("tr[data-category=tamper]").First).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(directory, "alerts.png"), FullPage = true });

        await fixture.SignOutAsync();
        page = await fixture.Chromium.OpenAsync(new Uri(fixture.Node.Address, OperatorApp.SignInPath));
        await Expect(page.GetByTestId("sign-in-form")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(directory, "sign-in.png"), FullPage = true });
    }
}
