using System.Security.Cryptography;
using Meterline.HeadEnd.Access;
using Meterline.HeadEnd.Billing;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Outages;
using Meterline.HeadEnd.Prepaid;
using Meterline.HeadEnd.Readings;

namespace Meterline.Web.Tests;

/// <summary>Data for the outage, balance, billing, audit and users pages, seeded through the node's services and stores.</summary>
internal static class PageSeed
{
    public static TestUser NewUser(string name, AccessRole role) => new(name, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)), role);

    /// <summary>Creates the users on the node when not there yet.</summary>
    public static async Task EnsureUsersAsync(OperatorNode node, params TestUser[] users)
    {
        foreach (var user in users)
        {
            if (await node.Node.Access.Users.FindAsync(user.Name) is null)
            {
                await node.Node.Access.CreateUserAsync("web-tests", user.Name, user.Password, [user.Role], user.ConsumerId);
            }
        }
    }

    /// <summary>A restored transformer outage on F1 of three meters, an hour long, that began three hours ago (the node's clock).</summary>
    public static async Task<Outage> OutageAsync(OperatorNode node)
    {
        var now = node.Node.Options.TimeProvider.GetUtcNow();
        var lost = now.AddHours(-3);
        var meters = new List<AffectedMeter>();
        foreach (var serial in new[] { "MTL00000001", "MTL00000003", "MTL00000005" })
        {
            meters.Add(new AffectedMeter((await node.Node.Meters.FindBySerialAsync(serial))!.Id, lost, PowerSignalSource.LastGasp, lost.AddHours(1)));
        }

        return await node.Node.Storage.Outages.AddAsync(new Outage(default, OutageScope.Transformer, "T1", "F1", OutageState.Restored, lost, lost.AddHours(1), lost.AddMinutes(2), meters));
    }

    /// <summary>A bill of MTL00000004 for the month, as the billing service would store it.</summary>
    public static async Task<Bill> BillAsync(OperatorNode node, BillingMonth month)
    {
        var meter = (await node.Node.Meters.FindBySerialAsync("MTL00000004"))!;
        var (start, end) = month.Bounds(TimeZoneInfo.Utc);
        var bill = new Bill(
            Bill.NumberOf(meter.Id, month, 1), 1, meter.Id, meter.Serial, meter.ConsumerId ?? "C-0004", month, start, end, "residential", "Residential", "2026-01-01", "INR", "UTC",
            null, 210.5m, [], ConsumptionMethod.IntervalData, false, null, 1m, [new BillLine(BillLineKind.Energy, "Energy", 210.5m, "kWh", 5m, 1052.5m)],
            1052.5m, 100m, 1152.5m, 82m, 1234.5m, node.Node.Options.TimeProvider.GetUtcNow(), "web-tests", null);
        Assert.True(await node.Node.Storage.Bills.AddAsync(bill));
        return bill;
    }

    /// <summary>
    /// Opens a prepaid account with 250.00 INR through the store: the test node bills with no tariff, which opening an
    /// account through the service needs (to price consumption).
    /// </summary>
    public static async Task PrepaidAsync(OperatorNode node, string consumer)
    {
        var store = node.Node.Storage.Prepaid;
        var now = node.Node.Options.TimeProvider.GetUtcNow();
        Assert.True(await store.CreateAsync(consumer, "INR", now, "web-tests"));
        await store.PostAsync(consumer, new LedgerPosting(LedgerEntryKind.TopUp, 250m, now, "web-tests", "opening", "seed-" + consumer));
    }

    /// <summary>Waits until the meter has stored block intervals (the fleet pushes one every few seconds); the caller bounds the wait.</summary>
    public static async Task WaitForIntervalsAsync(OperatorNode node, MeterId meter)
    {
        while (!(await node.Node.Storage.Readings.GetLatestIntervalTimesAsync(Quantity.BlockImportEnergy)).ContainsKey(meter))
        {
            await Task.Delay(200);
        }
    }
}
