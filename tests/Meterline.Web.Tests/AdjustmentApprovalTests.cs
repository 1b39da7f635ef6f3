using Meterline.HeadEnd.Access;
using Meterline.HeadEnd.Prepaid;
using static Microsoft.Playwright.Assertions;

namespace Meterline.Web.Tests;

/// <summary>
/// Dual control of a prepaid adjustment in Chromium against a real node: admin 1 adjusts a balance by more than the
/// threshold on the ledger page; nothing is posted and they are offered no approval; admin 2 approves it there; the
/// balance moves once, and the audit log holds the request and the approval.
/// </summary>
public sealed class AdjustmentApprovalTests(AdjustmentFixture fixture) : IClassFixture<AdjustmentFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(180);

    private static readonly TestUser FirstAdmin = PageSeed.NewUser("admin-a", AccessRole.Admin);

    private static readonly TestUser SecondAdmin = PageSeed.NewUser("admin-b", AccessRole.Admin);

    [Fact]
    public async Task Adjustment_AboveTheThreshold_WaitsThenSecondAdminApprovesOnTheLedgerPage()
    {
        await RunAsync().WaitAsync(Bound);

        async Task RunAsync()
        {
            const string consumer = "C-0007";
            await PageSeed.EnsureUsersAsync(fixture.Node, FirstAdmin, SecondAdmin);
            await PageSeed.PrepaidAsync(fixture.Node, consumer);

            var page = await fixture.OpenAsync($"/billing/prepaid/{consumer}", FirstAdmin);
            await page.GetByTestId("adjust-amount").FillAsync("2500");
            await page.GetByTestId("adjust-reason").FillAsync("refund after meter test, case 12");
            await page.GetByTestId("adjust-submit").ClickAsync();
            await Expect(page.GetByTestId("ledger-message")).ToContainTextAsync("waits for another admin's approval");
            await Expect(page.GetByTestId("ledger-balance")).ToHaveTextAsync("250.00 INR");
            var row = page.GetByTestId("adjustment-requests").Locator("tbody tr").First;
            await Expect(row.GetByTestId("adjustment-own")).ToBeVisibleAsync();
            await Expect(row.GetByTestId("adjustment-approve")).ToHaveCountAsync(0);

            var second = await fixture.OpenAsync($"/billing/prepaid/{consumer}", SecondAdmin);
            var pending = second.GetByTestId("adjustment-requests").Locator("tbody tr").First;
            await Expect(pending).ToContainTextAsync(FirstAdmin.Name);
            await pending.GetByTestId("adjustment-approve").ClickAsync();
            await Expect(second.GetByTestId("ledger-message")).ToContainTextAsync("2,500.00 INR posted");
            await Expect(second.GetByTestId("ledger-balance")).ToHaveTextAsync("2,750.00 INR");
            await Expect(pending.GetByTestId("adjustment-state")).ToHaveTextAsync("applied by " + SecondAdmin.Name);
            await Expect(second.GetByTestId("ledger-table")).ToContainTextAsync("refund after meter test, case 12");

            var audit = await fixture.Node.Node.Storage.Audit.GetRecentAsync(PrepaidAuditActions.Subject(consumer), 20);
            Assert.Contains(audit, r => r.Action == PrepaidAuditActions.AdjustmentRequested && r.Actor == FirstAdmin.Name);
            Assert.Contains(audit, r => r.Action == PrepaidAuditActions.AdjustmentApproved && r.Actor == SecondAdmin.Name);
            Assert.Single(await fixture.Node.Node.Storage.Prepaid.ListLedgerAsync(consumer, null, 10), e => e.Kind == LedgerEntryKind.Adjustment);
            Assert.Empty(fixture.Chromium.CspViolations);
        }
    }
}
