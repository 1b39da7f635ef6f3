using System.Globalization;
using System.Text.RegularExpressions;
using Meterline.HeadEnd.Meters;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Meterline.Web.Tests;

/// <summary>The operator app in Chromium against a real node and a real simulated fleet.</summary>
public sealed partial class OperatorAppTests(OperatorFixture fixture) : IClassFixture<OperatorFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    [Fact]
    public Task Overview_SimulatedFleet_ShowsEveryMeterAndIngest() => RunAsync(async () =>
    {
        var page = await fixture.OpenAsync("/");

        await Expect(page.GetByTestId("meter-count")).ToContainTextAsync(OperatorFixture.Meters.ToString(CultureInfo.InvariantCulture));
        await Expect(page.GetByTestId("records-stored")).Not.ToHaveTextAsync("0");
        await Expect(page.GetByTestId("count-NoCommunication")).ToContainTextAsync("0");
    });

    [Fact]
    public Task Meters_Search_FindsTheMeterAndOpensItsPage() => RunAsync(async () =>
    {
        var page = await fixture.OpenAsync("/meters");
        await Expect(page.GetByTestId("meter-table").Locator("tbody tr")).ToHaveCountAsync(OperatorFixture.Meters);

        await page.GetByTestId("search").FillAsync("MTL00000002");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Expect(page.GetByTestId("meter-table").Locator("tbody tr")).ToHaveCountAsync(1);
        await page.GetByRole(AriaRole.Link, new() { Name = "MTL00000002" }).ClickAsync();

        await Expect(page.Locator("h1")).ToHaveTextAsync("Meter MTL00000002");
    });

    [Fact]
    public Task MeterPage_FleetPushes_LiveReadingArrivesWithoutReload() => RunAsync(async () =>
    {
        var page = await fixture.OpenAsync("/meters/MTL00000001");
        await Expect(page.GetByTestId("live-count")).ToHaveTextAsync(LiveCount());

        // Nothing reloads the page: the readings come over the circuit as the node commits them.
        await Expect(page.GetByTestId("live-count")).Not.ToHaveTextAsync(NoneLive());
        await Expect(page.GetByTestId("latest-values")).ToContainTextAsync("Wh");
        await Expect(page.GetByTestId("reading-chart")).ToBeVisibleAsync();
    });

    [Fact]
    public Task Disconnect_Confirmed_ProgressShownAndRelayReadsDisconnected() => RunAsync(async () =>
    {
        var page = await fixture.OpenAsync("/meters/MTL00000003");
        await Expect(page.GetByTestId("relay-state")).Not.ToHaveTextAsync("Disconnected");

        await page.GetByTestId("command-disconnect").ClickAsync();
        var dialog = page.GetByTestId("confirm-dialog");
        await Expect(dialog).ToBeVisibleAsync();
        await Expect(page.GetByTestId("confirm-yes")).ToBeFocusedAsync();
        await page.GetByTestId("confirm-no").ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();
        Assert.Equal(0, await page.GetByTestId("command-progress").CountAsync());

        await page.GetByTestId("command-disconnect").ClickAsync();
        await page.GetByTestId("confirm-yes").ClickAsync();

        var progress = page.GetByTestId("command-progress");
        await Expect(progress.Locator("[data-state=Requested]")).ToBeVisibleAsync();
        await Expect(progress.Locator("[data-state=Sent]")).ToBeVisibleAsync();
        await Expect(progress.Locator("[data-state=Confirmed]")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("relay-state")).ToHaveTextAsync("Disconnected");
        var meter = await fixture.Node.Node.Meters.FindBySerialAsync("MTL00000003");
        Assert.Equal(RelayState.Disconnected, meter!.RelayState);
        Assert.False(fixture.Node.Fleet.Meters.Single(m => m.Id == "MTL00000003").Meter.Relay.OutputState);
    });

    [Fact]
    public Task AlertInbox_MagnetOnAMeter_TamperAlertAppearsAndIsAcknowledged() => RunAsync(async () =>
    {
        var page = await fixture.OpenAsync("/alerts");

        var row = page.Locator("tr[data-category=tamper]").First;
        await Expect(row).ToBeVisibleAsync();
        await Expect(row).ToContainTextAsync("MTL");
        await row.GetByRole(AriaRole.Button, new() { Name = "Acknowledge" }).ClickAsync();

        await Expect(row.GetByTestId("alert-state")).ToContainTextAsync("Acknowledged");
        await Expect(row.GetByRole(AriaRole.Button, new() { Name = "Acknowledge" })).ToHaveCountAsync(0);
    });

    [Fact]
    public Task Map_RegisteredLocations_DrawsEveryMeterAndBothTransformers() => RunAsync(async () =>
    {
        var page = await fixture.OpenAsync("/map");

        var map = page.GetByTestId("map");
        await Expect(map.Locator("circle.meter-dot")).ToHaveCountAsync(OperatorFixture.Meters);
        await Expect(map.Locator("[data-transformer]")).ToHaveCountAsync(2);
        await Expect(map.Locator("line.feeder-line")).ToHaveCountAsync(OperatorFixture.Meters);
    });

    [Fact]
    public Task Shell_Keyboard_TabReachesNavigationWithVisibleFocus() => RunAsync(async () =>
    {
        var page = await fixture.OpenAsync("/");

        await page.Keyboard.PressAsync("Tab");
        await Expect(page.Locator(".skip-link")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Meters" })).ToBeFocusedAsync();
        var outline = await page.GetByRole(AriaRole.Link, new() { Name = "Meters" }).EvaluateAsync<string>("e => getComputedStyle(e).outlineStyle");
        Assert.NotEqual("none", outline);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Meters");
    });

    [GeneratedRegex("^\\d+ readings received live")]
    private static partial Regex LiveCount();

    [GeneratedRegex("^0 readings received live")]
    private static partial Regex NoneLive();

    private static Task RunAsync(Func<Task> test) => test().WaitAsync(Bound);
}
