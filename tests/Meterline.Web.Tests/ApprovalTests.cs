using Meterline.HeadEnd.Commands.Approvals;
using Meterline.HeadEnd.Meters;
using static Microsoft.Playwright.Assertions;

namespace Meterline.Web.Tests;

/// <summary>
/// The second operator's approval in Chromium against a real node and fleet: operator 1 selects every meter and
/// disconnects them; the request waits; operator 2 approves it on the approvals page; the relays open.
/// </summary>
public sealed class ApprovalTests(ApprovalFixture fixture) : IClassFixture<ApprovalFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(180);

    [Fact]
    public async Task BulkDisconnect_TwelveMetersApprovedBySecondOperator_RelaysOpen()
    {
        await RunAsync().WaitAsync(Bound);

        async Task RunAsync()
        {
            var node = fixture.Node;
            var requester = await fixture.OpenAsync("/meters", node.Operator);
            await Expect(requester.GetByTestId("meter-table").Locator("tbody tr")).ToHaveCountAsync(ApprovalFixture.Meters);

            await requester.GetByTestId("select-page").CheckAsync();
            await Expect(requester.GetByTestId("bulk-count")).ToHaveTextAsync($"{ApprovalFixture.Meters} selected");
            await requester.GetByTestId("bulk-disconnect").ClickAsync();
            await Expect(requester.GetByTestId("confirm-dialog")).ToContainTextAsync("another operator must approve it");
            await requester.GetByTestId("confirm-yes").ClickAsync();
            await Expect(requester.GetByTestId("bulk-result")).ToContainTextAsync("Waiting for approval");

            // Nothing is sent before the approval: no command exists.
            var pending = Assert.Single(await node.Node.Storage.Approvals.ListAsync(ApprovalState.Pending, null, 10));
            Assert.Equal(ApprovalFixture.Meters, pending.Meters.Count);
            Assert.Empty(await node.Node.Storage.Commands.ListAsync(null, null, null, 100));

            // The requester is offered no decision on their own request.
            var own = await fixture.OpenAsync("/approvals", node.Operator);
            await Expect(own.GetByTestId("approval-own")).ToBeVisibleAsync();
            await Expect(own.GetByTestId("approval-approve")).ToHaveCountAsync(0);

            var approver = await fixture.OpenAsync("/approvals", node.SecondOperator);
            await approver.GetByTestId("approval-approve").ClickAsync();
            await Expect(approver.GetByTestId("confirm-dialog")).ToContainTextAsync($"{ApprovalFixture.Meters} meters");
            await approver.GetByTestId("confirm-yes").ClickAsync();
            await Expect(approver.GetByTestId("approval-message")).ToContainTextAsync($"{ApprovalFixture.Meters} commands created");
            await Expect(approver.GetByTestId("approval-state")).ToHaveTextAsync("Completed");

            var meters = await fixture.OpenAsync("/meters", node.SecondOperator);
            await Expect(meters.Locator(".relay-disconnected")).ToHaveCountAsync(ApprovalFixture.Meters, new() { Timeout = 120_000 });
            var relays = await node.Node.Meters.ListAsync(new MeterFilter(), 100);
            Assert.All(relays.Items, m => Assert.Equal(RelayState.Disconnected, m.RelayState));
        }
    }
}
