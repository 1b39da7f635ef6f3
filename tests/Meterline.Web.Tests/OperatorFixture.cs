using Meterline.Simulator.Scenarios;
using Microsoft.Playwright;

namespace Meterline.Web.Tests;

/// <summary>
/// One node with a simulated fleet of <see cref="Meters"/> meters (fast: 300 simulated seconds a second, so intervals
/// arrive every few seconds; a magnet on one meter from the fleet's fifth minute) and one Chromium, shared by the
/// tests of <see cref="OperatorAppTests"/>, which run one after another, each signed in through the sign-in form.
/// </summary>
public sealed class OperatorFixture : IAsyncLifetime
{
    public const int Meters = 6;

    private OperatorNode? _node;
    private Chromium? _chromium;
    private TestUser? _signedIn;

    internal OperatorNode Node => _node ?? throw new InvalidOperationException("Not started.");

    internal Chromium Chromium => _chromium ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        Assertions.SetDefaultExpectTimeout(30_000);
        Assert.True(ScenarioParser.TryParse("magnet:meter=5:at=2026-03-01T00:05:00Z:for=2h", out var magnet, out var error), error);
        // Open circuits re-check their user every second here (30 s by default), so a revoked session ends within a test;
        // the tests sign in as several users from one address within a minute, more than the default sign-in limit (10
        // a minute, tested in Meterline.Server.Tests' SessionTests) allows.
        _node = await OperatorNode.StartAsync(Meters, speed: 300, [magnet],
            server: new Meterline.Server.ServerOptions
            {
                Access = new Meterline.Server.Access.AccessServerOptions { CircuitRevalidation = TimeSpan.FromSeconds(1), LoginsPerSourcePerMinute = 600, LoginsPerNamePerMinute = 600 },
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

    /// <summary>Opens a page of the app signed in as the user (the operator when not given) and waits until its circuit is interactive.</summary>
    internal async Task<IPage> OpenAsync(string path, TestUser? user = null)
    {
        user ??= Node.Operator;
        if (_signedIn != user)
        {
            var signIn = await SubmitSignInAsync(user.Name, user.Password);
            await Assertions.Expect(signIn.GetByTestId("signed-in-user")).ToHaveTextAsync(user.Name);
            _signedIn = user;
        }

        var page = await Chromium.OpenAsync(new Uri(Node.Address, path));
        await Assertions.Expect(page.Locator(".shell[data-interactive=true]")).ToBeVisibleAsync();
        return page;
    }

    /// <summary>Signs out (drops the browser's cookies), opens the sign-in page (or <paramref name="path"/>, which redirects there) and submits the form.</summary>
    internal async Task<IPage> SubmitSignInAsync(string name, string password, string path = OperatorApp.SignInPath)
    {
        await SignOutAsync();
        var page = await Chromium.OpenAsync(new Uri(Node.Address, path));
        await page.GetByTestId("sign-in-name").FillAsync(name);
        await page.GetByTestId("sign-in-password").FillAsync(password);
        await page.GetByTestId("sign-in-submit").ClickAsync();
        await page.WaitForLoadStateAsync(LoadState.Load);
        return page;
    }

    internal async Task SignOutAsync()
    {
        await Chromium.Context.ClearCookiesAsync();
        _signedIn = null;
    }

    /// <summary>Fails on any Content-Security-Policy violation the browser reported since the last check.</summary>
    internal void AssertNoCspViolations()
    {
        List<string> violations = [];
        while (Chromium.CspViolations.TryDequeue(out var violation))
        {
            violations.Add(violation);
        }

        Assert.Empty(violations);
    }
}
