using System.Globalization;
using System.Security.Cryptography;
using Meterline.HeadEnd.Access;
using Meterline.HeadEnd.DemandControl;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Meterline.Web.Tests;

/// <summary>
/// The users page's several roles and password resets, and the demand limits page's set and cancel, in Chromium
/// against a real node and fleet, signed in through the form, under the strict Content-Security-Policy; the audit
/// entries are read from the node's log.
/// </summary>
public sealed class AdminPagesTests(OperatorFixture fixture) : IClassFixture<OperatorFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    private static readonly TestUser Admin = PageSeed.NewUser("admin2", AccessRole.Admin);

    [Fact]
    public Task Users_AdminSetsTwoRolesAndResetsThePassword_TheUserSignsInWithTheNewOne() => RunAsync(async () =>
    {
        var user = PageSeed.NewUser("shiftlead" + RandomNumberGenerator.GetInt32(1_000_000).ToString(CultureInfo.InvariantCulture), AccessRole.Viewer);
        await PageSeed.EnsureUsersAsync(fixture.Node, user);
        var page = await OpenAsync("/users", Admin);
        var row = page.Locator($"tr[data-user='{user.Name}']");
        await Expect(row.GetByTestId("user-roles")).ToHaveTextAsync("viewer");

        await row.GetByTestId("user-role-viewer").UncheckAsync();
        await row.GetByTestId("user-role-operator").CheckAsync();
        await row.GetByTestId("user-role-auditor").CheckAsync();
        await row.GetByTestId("user-role-set").ClickAsync();
        await Expect(row.GetByTestId("user-roles")).ToHaveTextAsync("operator,auditor");
        Assert.Equal([AccessRole.Operator, AccessRole.Auditor], (await fixture.Node.Node.Access.Users.FindAsync(user.Name))!.Roles);

        // An empty password field makes one, shown once.
        await page.GetByTestId("reset-user-name").FillAsync(user.Name);
        await page.GetByTestId("reset-user-submit").ClickAsync();
        await Expect(page.GetByTestId("users-message")).ToContainTextAsync($"Set a new password for {user.Name}");
        var made = await page.GetByTestId("made-password").TextContentAsync();
        Assert.Equal(20, made!.Length);

        var refused = await fixture.SubmitSignInAsync(user.Name, user.Password);
        await Expect(refused.GetByTestId("signed-in-user")).ToHaveCountAsync(0);
        var signedIn = await fixture.SubmitSignInAsync(user.Name, made);
        await Expect(signedIn.GetByTestId("signed-in-user")).ToHaveTextAsync(user.Name);
        // The auditor's role holds beside the operator's: the audit page is in the navigation.
        await Expect(signedIn.GetByRole(AriaRole.Link, new() { Name = "Audit" })).ToBeVisibleAsync();

        // A typed password is set as typed and not shown.
        var typed = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10));
        page = await OpenAsync("/users", Admin);
        await page.GetByTestId("reset-user-name").FillAsync(user.Name);
        await page.GetByTestId("reset-user-password").FillAsync(typed);
        await page.GetByTestId("reset-user-submit").ClickAsync();
        await Expect(page.GetByTestId("users-message")).ToContainTextAsync($"Set a new password for {user.Name}");
        await Expect(page.GetByTestId("made-password")).ToHaveCountAsync(0);
        var again = await fixture.SubmitSignInAsync(user.Name, typed);
        await Expect(again.GetByTestId("signed-in-user")).ToHaveTextAsync(user.Name);
        await fixture.SignOutAsync();

        var audit = await fixture.Node.Node.Storage.Audit.GetRecentAsync(user.Name, 20);
        Assert.Contains(audit, r => r.Action == "access.user.roles-changed" && r.Actor == Admin.Name && r.Detail.Contains("operator,auditor", StringComparison.Ordinal));
        Assert.Equal(2, audit.Count(r => r.Action == "access.user.password-changed" && r.Actor == Admin.Name));
        Assert.DoesNotContain(audit, r => r.Detail.Contains(made, StringComparison.Ordinal) || r.Detail.Contains(typed, StringComparison.Ordinal));
    });

    [Fact]
    public Task Users_NoRoleChosen_RefusedAndUnchanged() => RunAsync(async () =>
    {
        var page = await OpenAsync("/users", Admin);
        var row = page.Locator($"tr[data-user='{fixture.Node.Viewer.Name}']");
        await row.GetByTestId("user-role-viewer").UncheckAsync();
        await row.GetByTestId("user-role-set").ClickAsync();

        await Expect(page.GetByTestId("users-message")).ToContainTextAsync("at least one role");
        await Expect(row.GetByTestId("user-roles")).ToHaveTextAsync("viewer");
    });

    [Fact]
    public Task DemandLimits_OperatorSetsAndCancels_ListedAndAudited() => RunAsync(async () =>
    {
        var page = await OpenAsync("/demand-limits", fixture.Node.Operator);
        await page.GetByTestId("demand-target-kind").SelectOptionAsync(nameof(DemandLimitTargetKind.Transformer));
        await page.GetByTestId("demand-target").FillAsync("T2");
        await page.GetByTestId("demand-normal").FillAsync("2500");
        await page.GetByTestId("demand-set").ClickAsync();
        await Expect(page.GetByTestId("demand-message")).ToContainTextAsync("set on 3 meters");

        var limit = (await fixture.Node.Node.DemandControl.ListAsync(null, 1))[0];
        Assert.Equal("T2", limit.Target);
        Assert.Equal(fixture.Node.Operator.Name, limit.Actor);
        var row = page.Locator($"tr[data-limit='{limit.Id.Value}']");
        await Expect(row.GetByTestId("demand-normal-value")).ToHaveTextAsync("2,500 W");
        await Expect(row.GetByTestId("demand-state")).ToHaveTextAsync("active");

        // Dismissing the confirmation changes nothing.
        await row.GetByTestId("demand-cancel").ClickAsync();
        await Expect(page.GetByTestId("confirm-dialog")).ToContainTextAsync("transformer T2 (3 meters)");
        await page.GetByTestId("confirm-no").ClickAsync();
        await Expect(page.GetByTestId("confirm-dialog")).ToHaveCountAsync(0);
        Assert.False((await fixture.Node.Node.Storage.DemandLimits.GetAsync(limit.Id))!.IsCancelled);

        await row.GetByTestId("demand-cancel").ClickAsync();
        await page.GetByTestId("confirm-yes").ClickAsync();
        await Expect(page.GetByTestId("demand-message")).ToContainTextAsync($"Cancelled limit #{limit.Id.Value}");
        await Expect(row.GetByTestId("demand-state")).ToContainTextAsync("cancelled by " + fixture.Node.Operator.Name);
        await Expect(row.GetByTestId("demand-cancel")).ToHaveCountAsync(0);

        var audit = await fixture.Node.Node.Storage.Audit.GetRecentAsync("transformer:T2", 10);
        Assert.Contains(audit, r => r.Action == DemandAuditActions.LimitRequested && r.Actor == fixture.Node.Operator.Name);
        Assert.Contains(audit, r => r.Action == DemandAuditActions.LimitCancelled && r.Actor == fixture.Node.Operator.Name);
    });

    [Fact]
    public Task DemandLimits_Viewer_ReadsWithoutFormOrCancel() => RunAsync(async () =>
    {
        var node = fixture.Node.Node;
        var meter = (await node.Meters.FindBySerialAsync("MTL00000006"))!;
        var limit = await node.DemandControl.RequestAsync(new DemandLimitSubmission(DemandLimitTargetKind.Meter, null, [meter.Id],
            new HeadEnd.Commands.LoadLimitParameters(new HeadEnd.Communication.LimiterSettings(4000, 0, 60, 30, null)), "web-tests"));

        var page = await OpenAsync("/demand-limits", fixture.Node.Viewer);

        var row = page.Locator($"tr[data-limit='{limit.Id.Value}']");
        await Expect(row.GetByTestId("demand-normal-value")).ToHaveTextAsync("4,000 W");
        await Expect(row.GetByTestId("demand-cancel")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("demand-set")).ToHaveCountAsync(0);
        await node.DemandControl.CancelAsync(limit.Id, "web-tests", null);
    });

    private async Task<IPage> OpenAsync(string path, TestUser user)
    {
        await PageSeed.EnsureUsersAsync(fixture.Node, Admin);
        return await fixture.OpenAsync(path, user);
    }

    private async Task RunAsync(Func<Task> test)
    {
        await test().WaitAsync(Bound);
        fixture.AssertNoCspViolations();
    }
}
