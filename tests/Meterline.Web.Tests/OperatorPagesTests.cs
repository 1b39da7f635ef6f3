using System.Globalization;
using System.Security.Cryptography;
using Meterline.HeadEnd.Access;
using Meterline.HeadEnd.Billing;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Outages;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Meterline.Web.Tests;

/// <summary>
/// The outage, energy balance, power quality, billing, audit and users pages in Chromium against a real node and
/// fleet, with their data seeded through the head-end's services and stores; signed in through the form as an admin
/// (or the role a test names), under the strict Content-Security-Policy.
/// </summary>
public sealed class OperatorPagesTests(OperatorFixture fixture) : IClassFixture<OperatorFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    private static readonly TestUser Admin = NewUser("admin1", AccessRole.Admin);

    private static readonly TestUser Auditor = NewUser("auditor1", AccessRole.Auditor);

    private static readonly BillingMonth SeededMonth = new(2026, 3);

    [Fact]
    public Task Outages_SeededOutage_ListedWithDetailAndFeederReliability() => RunAsync(async () =>
    {
        var outage = await SeedOutageAsync();

        var page = await OpenAsync("/outages", Admin);
        var row = page.Locator($"tr[data-outage='{outage.Id.Value}']");
        await Expect(row).ToContainTextAsync("T1");
        await Expect(row).ToContainTextAsync("1 h 00 min");
        await Expect(row).ToContainTextAsync("Restored");

        await page.GetByTestId("reliability-calculate").ClickAsync();
        // 3 customers interrupted for 60 min each, of the 6 meters on F1: 180 customer minutes / 6 = 30 min, 3 / 6 = 0.5.
        await Expect(page.GetByTestId("saidi")).ToHaveTextAsync("30 min");
        await Expect(page.GetByTestId("saifi")).ToHaveTextAsync("0.5 interruptions/customer");

        await row.GetByRole(AriaRole.Link).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync($"Outage #{outage.Id.Value}");
        await Expect(page.GetByTestId("affected-table").Locator("tbody tr")).ToHaveCountAsync(3);
        await Expect(page.GetByTestId("affected-table")).ToContainTextAsync("LastGasp");
    });

    [Fact]
    public Task Balance_TransformerMeterSet_LossPerTransformerAndSuspectsLinkToMeters() => RunAsync(async () =>
    {
        var node = fixture.Node.Node;
        var transformerMeter = (await node.Meters.FindBySerialAsync("MTL00000001"))!.Id;
        await node.Storage.Transformers.SetTransformerMeterAsync("T1", transformerMeter);
        await WaitForIntervalsAsync(transformerMeter);

        var page = await OpenAsync("/balance", Admin);

        await Expect(page.GetByTestId("balance-chart")).ToBeVisibleAsync();
        await Expect(page.Locator("tr[data-transformer='T2']")).ToContainTextAsync("No meter is set");
        var t1 = page.Locator("tr[data-transformer='T1']");
        await Expect(t1.GetByTestId("loss-percent")).ToContainTextAsync("%");
        await t1.GetByTestId("show-suspects").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Suspects under T1" })).ToBeVisibleAsync();
    });

    [Fact]
    public Task PowerQuality_Fleet_FeederSummaryWithEveryMeter() => RunAsync(async () =>
    {
        await WaitForIntervalsAsync((await fixture.Node.Node.Meters.FindBySerialAsync("MTL00000002"))!.Id);

        var page = await OpenAsync("/power-quality", Admin);

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Feeder F1" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("pq-meter-table").Locator("tbody tr")).ToHaveCountAsync(OperatorFixture.Meters);
        await Expect(page.GetByTestId("pq-feeder-summary")).ToContainTextAsync(" V");
    });

    [Fact]
    public Task Billing_SeededBillTariffsAndPrepaid_ListedAndToppedUp() => RunAsync(async () =>
    {
        var bill = await SeedBillAsync();
        await SeedPrepaidAsync("C-0002");

        var page = await OpenAsync("/billing", Admin);
        await page.GetByTestId("bill-month").FillAsync(SeededMonth.ToString());
        await page.GetByTestId("bill-show").ClickAsync();
        var row = page.Locator($"tr[data-bill='{bill.Number}']");
        await Expect(row).ToContainTextAsync("1,234.50 INR");
        await Expect(row.GetByRole(AriaRole.Link, new() { Name = bill.Number })).ToHaveAttributeAsync("href", "bills/" + bill.Number);

        await page.GetByRole(AriaRole.Link, new() { Name = "Tariffs" }).ClickAsync();
        await Expect(page.GetByTestId("no-tariffs")).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Prepaid accounts" }).ClickAsync();
        await Expect(page.Locator("tr[data-consumer='C-0002']").GetByTestId("prepaid-balance")).ToHaveTextAsync("250.00 INR");
        await page.GetByRole(AriaRole.Link, new() { Name = "C-0002" }).ClickAsync();
        await page.GetByTestId("top-up-amount").FillAsync("100");
        await page.GetByTestId("top-up-reference").FillAsync("counter-7");
        await page.GetByTestId("top-up-submit").ClickAsync();
        await Expect(page.GetByTestId("ledger-balance")).ToHaveTextAsync("350.00 INR");
        await Expect(page.GetByTestId("ledger-table")).ToContainTextAsync("counter-7");
        await Expect(page.GetByTestId("ledger-table")).ToContainTextAsync(Admin.Name);
    });

    [Fact]
    public Task Audit_Auditor_FiltersAndVerifiesTheChain() => RunAsync(async () =>
    {
        var page = await OpenAsync("/audit", Auditor);
        await Expect(page.GetByTestId("audit-table").Locator("tbody tr").First).ToBeVisibleAsync();

        await page.GetByTestId("audit-action").FillAsync("access.user.created");
        await page.GetByTestId("audit-filter").ClickAsync();
        await Expect(page.GetByTestId("audit-table").Locator("tbody tr[data-sequence]", new() { HasText = Auditor.Name })).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("audit-table").Locator("tbody tr", new() { HasText = "command." })).ToHaveCountAsync(0);

        await page.GetByTestId("verify-chain").ClickAsync();
        await Expect(page.GetByTestId("verify-result")).ToContainTextAsync("Intact");
    });

    [Fact]
    public Task Users_Viewer_NotAllowed() => RunAsync(async () =>
    {
        var page = await OpenAsync("/", fixture.Node.Viewer);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Users" })).ToHaveCountAsync(0);

        await page.GotoAsync(new Uri(fixture.Node.Address, "/users").ToString());

        await Expect(page.GetByTestId("not-allowed")).ToBeVisibleAsync();
        await fixture.SignOutAsync();
    });

    [Fact]
    public Task Users_AdminCreatesUser_TheUserSignsInAndIsLockedOut() => RunAsync(async () =>
    {
        var created = NewUser("fieldop" + RandomNumberGenerator.GetInt32(1_000_000).ToString(CultureInfo.InvariantCulture), AccessRole.Operator);
        var page = await OpenAsync("/users", Admin);

        await page.GetByTestId("new-user-name").FillAsync(created.Name);
        await page.GetByTestId("new-user-password").FillAsync(created.Password);
        await page.GetByTestId("new-user-role").SelectOptionAsync(nameof(AccessRole.Operator));
        await page.GetByTestId("new-user-create").ClickAsync();
        await Expect(page.GetByTestId("users-message")).ToContainTextAsync($"Created {created.Name}");
        var row = page.Locator($"tr[data-user='{created.Name}']");
        await Expect(row.GetByTestId("user-roles")).ToHaveTextAsync("operator");

        await row.GetByTestId("user-role-operator").UncheckAsync();
        await row.GetByTestId("user-role-viewer").CheckAsync();
        await row.GetByTestId("user-role-set").ClickAsync();
        await Expect(row.GetByTestId("user-roles")).ToHaveTextAsync("viewer");

        var signedIn = await fixture.SubmitSignInAsync(created.Name, created.Password);
        await Expect(signedIn.GetByTestId("signed-in-user")).ToHaveTextAsync(created.Name);

        page = await OpenAsync("/users", Admin);
        row = page.Locator($"tr[data-user='{created.Name}']");
        await row.GetByTestId("user-lock").ClickAsync();
        await Expect(row.GetByTestId("user-state")).ToHaveTextAsync("locked");
        var refused = await fixture.SubmitSignInAsync(created.Name, created.Password);
        await Expect(refused.GetByTestId("signed-in-user")).ToHaveCountAsync(0);
        await fixture.SignOutAsync();

        var audit = await fixture.Node.Node.Storage.Audit.GetRecentAsync(created.Name, 10);
        Assert.Contains(audit, r => r.Action == "access.user.created" && r.Actor == Admin.Name);
        Assert.Contains(audit, r => r.Action == "access.user.roles-changed" && r.Actor == Admin.Name);
        Assert.Contains(audit, r => r.Action == "access.user.disabled" && r.Actor == Admin.Name);
    });

    private static TestUser NewUser(string name, AccessRole role) => PageSeed.NewUser(name, role);

    private async Task<IPage> OpenAsync(string path, TestUser user)
    {
        await PageSeed.EnsureUsersAsync(fixture.Node, Admin, Auditor);
        return await fixture.OpenAsync(path, user);
    }

    private Task<Outage> SeedOutageAsync() => PageSeed.OutageAsync(fixture.Node);

    private Task<Bill> SeedBillAsync() => PageSeed.BillAsync(fixture.Node, SeededMonth);

    private Task SeedPrepaidAsync(string consumer) => PageSeed.PrepaidAsync(fixture.Node, consumer);

    private Task WaitForIntervalsAsync(MeterId meter) => PageSeed.WaitForIntervalsAsync(fixture.Node, meter);

    private async Task RunAsync(Func<Task> test)
    {
        await test().WaitAsync(Bound);
        fixture.AssertNoCspViolations();
    }
}
