using Microsoft.Playwright;

namespace Meterline.Web.Tests;

/// <summary>
/// One node (as <see cref="StartNodeAsync"/> starts it) and one Chromium, for tests that act as several users in turn;
/// each page is opened signed in as the given user through the form.
/// </summary>
public abstract class SignedInUsersFixture : IAsyncLifetime
{
    private OperatorNode? _node;
    private Chromium? _chromium;

    internal OperatorNode Node => _node ?? throw new InvalidOperationException("Not started.");

    internal Chromium Chromium => _chromium ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        Assertions.SetDefaultExpectTimeout(30_000);
        _node = await StartNodeAsync().WaitAsync(OperatorNode.Bound);
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

    private protected abstract Task<OperatorNode> StartNodeAsync();
}
