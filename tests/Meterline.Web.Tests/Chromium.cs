using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace Meterline.Web.Tests;

/// <summary>
/// Debian's Chromium (<c>/usr/bin/chromium</c>, installed by scripts/ensure-chromium.sh) driven by Playwright,
/// headless, with a fresh profile directory; Playwright never downloads a browser of its own. Every console message
/// about a Content-Security-Policy violation is kept in <see cref="CspViolations"/>, for the tests to fail on.
/// </summary>
internal sealed class Chromium : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private readonly IPlaywright _playwright;
    private readonly string _profile;

    private Chromium(IPlaywright playwright, IBrowserContext context, string profile)
    {
        _playwright = playwright;
        Context = context;
        _profile = profile;
        foreach (var page in context.Pages)
        {
            Watch(page);
        }

        context.Page += (_, page) => Watch(page);
    }

    public IBrowserContext Context { get; }

    /// <summary>Console messages of the pages about Content-Security-Policy violations, oldest first.</summary>
    public ConcurrentQueue<string> CspViolations { get; } = new();

    public static async Task<Chromium> LaunchAsync(int width = 1280, int height = 800)
    {
        var profile = Directory.CreateTempSubdirectory("meterline-chromium-").FullName;
        var playwright = await Playwright.CreateAsync();
        try
        {
            var context = await playwright.Chromium.LaunchPersistentContextAsync(profile, new BrowserTypeLaunchPersistentContextOptions
            {
                ExecutablePath = ExecutablePath,
                Headless = true,
                Args =
                [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                ],
                ViewportSize = new ViewportSize { Width = width, Height = height },
                Timeout = 60_000,
            });
            // Navigations and actions (a bound, not a timing assertion): the first page a node serves compiles its
            // components, and in CI the other test projects share the two cores, which took a sign-in's page load past
            // 30 s once. Assertions keep their own 30 s (Assertions.SetDefaultExpectTimeout in the fixtures).
            context.SetDefaultTimeout(90_000);
            return new Chromium(playwright, context, profile);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    public async Task<IPage> OpenAsync(Uri address)
    {
        var page = Context.Pages.Count > 0 ? Context.Pages[0] : await Context.NewPageAsync();
        await page.GotoAsync(address.ToString());
        return page;
    }

    private void Watch(IPage page)
    {
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                CspViolations.Enqueue($"{page.Url}: {message.Text}");
            }
        };
    }

    public async ValueTask DisposeAsync()
    {
        await Context.CloseAsync();
        _playwright.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // Chromium still holds a file: the temporary profile is left behind.
        }
    }
}
