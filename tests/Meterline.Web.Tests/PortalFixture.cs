using System.Security.Cryptography;
using Meterline.HeadEnd.Access;
using Meterline.HeadEnd.Billing;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;
using Meterline.Server;
using Meterline.Web.Portal;
using Microsoft.Playwright;

namespace Meterline.Web.Tests;

/// <summary>
/// One node billing with the example tariffs (docs/examples/tariffs.json), with consumer top-ups in the portal on, and
/// a simulated fleet of two meters pushing at 300× (given consumers C-000001 and C-000002): the consumer of the first meter (C-000001) has a prepaid account
/// and a bill for February 2026 (made from stored billing snapshots, the month before the fleet starts); the second
/// meter is another consumer's, with a bill of its own. One Chromium, shared by <see cref="PortalTests"/>.
/// </summary>
public sealed class PortalFixture : IAsyncLifetime
{
    public const string OwnSerial = "MTL00000001";
    public const string OtherSerial = "MTL00000002";

    private static readonly BillingMonth February = new(2026, 2);

    private OperatorNode? _node;
    private Chromium? _chromium;

    internal OperatorNode Node => _node ?? throw new InvalidOperationException("Not started.");

    internal Chromium Chromium => _chromium ?? throw new InvalidOperationException("Not started.");

    internal TestUser Consumer { get; } = new("portal-consumer", Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)), AccessRole.Consumer, "C-000001");

    internal Bill OwnBill { get; private set; } = null!;

    internal Bill OtherBill { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Assertions.SetDefaultExpectTimeout(30_000);
        var tariffs = Path.Combine(OperatorNode.RepositoryRoot(), "docs", "examples", "tariffs.json");
        _node = await OperatorNode.StartAsync(2, speed: 300, configure: o => o with { Tariffs = tariffs, Analytics = null },
            server: new ServerOptions { Portal = new PortalOptions { ConsumerTopUp = true } }).WaitAsync(OperatorNode.Bound);
        _chromium = await Chromium.LaunchAsync().WaitAsync(OperatorNode.Bound);
        var node = Node.Node;
        await node.Access.CreateUserAsync("web-tests", Consumer.Name, Consumer.Password, [Consumer.Role], Consumer.ConsumerId);
        var (opened, _, detail) = await node.Prepaid!.OpenAsync(Consumer.ConsumerId!, "web-tests");
        Assert.True(opened == HeadEnd.Prepaid.AccountOpenOutcome.Opened, detail);
        OwnBill = await IssueFebruaryAsync(OwnSerial);
        OtherBill = await IssueFebruaryAsync(OtherSerial);
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

    /// <summary>Signs in through the form as <paramref name="user"/> (the portal's consumer when not given) with a fresh cookie jar; the page after the redirects.</summary>
    internal async Task<IPage> SignInAsync(TestUser? user = null)
    {
        user ??= Consumer;
        await Chromium.Context.ClearCookiesAsync();
        var page = await Chromium.OpenAsync(new Uri(Node.Address, OperatorApp.SignInPath));
        await page.GetByTestId("sign-in-name").FillAsync(user.Name);
        await page.GetByTestId("sign-in-password").FillAsync(user.Password);
        await page.GetByTestId("sign-in-submit").ClickAsync();
        await page.WaitForLoadStateAsync(LoadState.Load);
        return page;
    }

    internal void AssertNoCspViolations()
    {
        List<string> violations = [];
        while (Chromium.CspViolations.TryDequeue(out var violation))
        {
            violations.Add(violation);
        }

        Assert.Empty(violations);
    }

    private async Task<Bill> IssueFebruaryAsync(string serial)
    {
        var node = Node.Node;
        var imported = await node.Meters.FindBySerialAsync(serial) ?? throw new InvalidOperationException(serial + " was not imported.");
        // The simulated fleet's meters come without consumers: meter N is given consumer C-00000N.
        await node.Meters.UpdateRegistrationAsync(imported.Id, new MeterRegistration(imported.Serial, imported.SystemTitle, imported.ProfileId,
            "C-" + serial[^6..], imported.Location, imported.TransformerId, imported.FeederId, imported.Endpoint, imported.SecurityLevel));
        var meter = (await node.Meters.GetAsync(imported.Id))!;
        var tariff = node.Billing.Tariffs.TryResolve(meter, out var found, out _) ? found : throw new InvalidOperationException(serial + " has no tariff.");
        var (start, end) = February.Bounds(tariff.TimeZone);
        await node.Storage.Readings.WriteAsync(new IngestBatch(
            [],
            [
                new BillingSnapshot(meter.Id, start, [new(Quantity.CumulativeImportEnergy, 500_000), new(Quantity.ImportInZone(2), 0), new(Quantity.ImportInZone(3), 0)], null, ReadingQuality.Authenticated),
                new BillingSnapshot(meter.Id, end, [new(Quantity.CumulativeImportEnergy, 642_000), new(Quantity.ImportInZone(2), 20_000), new(Quantity.ImportInZone(3), 30_000)], null, ReadingQuality.Authenticated),
            ],
            [],
            new Dictionary<MeterId, uint>()));
        var issued = await node.Billing.IssueAsync(meter.Id, February, reissue: false, "web-tests");
        Assert.True(issued.Outcome == BillIssueOutcome.Issued, issued.Detail);
        return issued.Bill!;
    }
}
