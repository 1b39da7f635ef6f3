using Microsoft.Playwright;

namespace Meterline.Web.Tests;

/// <summary>
/// One node whose prepaid adjustments above <see cref="Threshold"/> wait for a second admin, and one Chromium, for
/// <see cref="AdjustmentApprovalTests"/>; each page is opened signed in as the given user through the form.
/// </summary>
public sealed class AdjustmentFixture : IAsyncLifetime
{
    public const decimal Threshold = 1_000m;

    private OperatorNode? _node;
    private Chromium? _chromium;

    internal OperatorNode Node => _node ?? throw new InvalidOperationException("Not started.");

    internal Chromium Chromium => _chromium ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        Assertions.SetDefaultExpectTimeout(30_000);
        _node = await OperatorNode.StartAsync(2, speed: 60,
            configure: o => o with { Prepaid = (o.Prepaid ?? new HeadEnd.Prepaid.PrepaidOptions()) with { AdjustmentApprovalThreshold = Threshold } }).WaitAsync(OperatorNode.Bound);
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

    /// <summary>Signs in as <paramref name="user"/> (dropping any earlier sign-in) and opens <paramref name="path"/> once its circuit is interactive.</summary>
    internal async Task<IPage> OpenAsync(string path, TestUser user)
    {
        await Chromium.Context.ClearCookiesAsync();
        var signIn = await Chromium.OpenAsync(new Uri(Node.Address, OperatorApp.SignInPath));
        await signIn.GetByTestId("sign-in-name").FillAsync(user.Name);
        await signIn.GetByTestId("sign-in-password").FillAsync(user.Password);
        await signIn.GetByTestId("sign-in-submit").ClickAsync();
        await Assertions.Expect(signIn.GetByTestId("signed-in-user")).ToHaveTextAsync(user.Name);
        var page = await Chromium.OpenAsync(new Uri(Node.Address, path));
        await Assertions.Expect(page.Locator(".shell[data-interactive=true]")).ToBeVisibleAsync();
        return page;
    }
}
