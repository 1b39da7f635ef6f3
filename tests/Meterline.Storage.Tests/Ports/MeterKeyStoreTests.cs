using System.Security.Cryptography;
using Meterline.HeadEnd.Keys;
using Meterline.HeadEnd.Meters;
using Meterline.Storage.Tests.Support;

namespace Meterline.Storage.Tests.Ports;

/// <summary>Wrapped meter keys and fingerprint look-ups, run against each engine.</summary>
public abstract class MeterKeyStoreTests : StorageTestBase
{
    [Fact]
    public async Task SaveAsync_ThenGet_RoundTripsEveryFieldOfOneGeneration()
    {
        var meter = await AddMeterAsync(1);
        var generation1 = Keys(meter.Id, 1);
        var generation2 = Keys(meter.Id, 2);

        await Storage.Keys.SaveAsync(generation1, Token);
        await Storage.Keys.SaveAsync(generation2, Token);

        Assert.Equal(generation1, await Storage.Keys.GetAsync(meter.Id, 1, Token));
        Assert.Equal(generation2, await Storage.Keys.GetAsync(meter.Id, 2, Token));
        Assert.Empty(await Storage.Keys.GetAsync(meter.Id, 3, Token));
    }

    [Fact]
    public async Task SaveAsync_KeyAlreadyStored_ThrowsAndStoresNoneOfTheBatch()
    {
        var meter = await AddMeterAsync(1);
        var other = await AddMeterAsync(2);
        var stored = Keys(meter.Id, 1);
        await Storage.Keys.SaveAsync(stored, Token);

        var batch = Keys(other.Id, 1).Append(Keys(meter.Id, 1)[0]).ToList();
        await Assert.ThrowsAsync<InvalidOperationException>(() => Storage.Keys.SaveAsync(batch, Token));

        Assert.Empty(await Storage.Keys.GetAsync(other.Id, 1, Token));
        Assert.Equal(stored, await Storage.Keys.GetAsync(meter.Id, 1, Token));
    }

    [Fact]
    public async Task SaveAsync_UnknownMeterOrMalformedKey_IsRefused()
    {
        var meter = await AddMeterAsync(1);

        await Assert.ThrowsAsync<KeyNotFoundException>(() => Storage.Keys.SaveAsync(Keys(new MeterId(9), 1), Token));
        await Assert.ThrowsAsync<ArgumentException>(() => Storage.Keys.SaveAsync([Keys(meter.Id, 1)[0] with { Fingerprint = new byte[16] }], Token));
        await Assert.ThrowsAsync<ArgumentException>(() => Storage.Keys.SaveAsync([Keys(meter.Id, 1)[0] with { Generation = 0 }], Token));

        Assert.Empty(await Storage.Keys.GetAsync(meter.Id, 1, Token));
    }

    [Fact]
    public async Task ReplaceAsync_StoredOrNot_LeavesExactlyTheNewKeyOfThatKindAndTheOthers()
    {
        var meter = await AddMeterAsync(1);
        var stored = Keys(meter.Id, 1);
        await Storage.Keys.SaveAsync(stored, Token);
        var replacement = stored.Single(k => k.Kind == MeterKeyKind.MqttPassword) with
        {
            Key = new WrappedKey("file", "kek-9", RandomNumberGenerator.GetBytes(40)),
            Fingerprint = RandomNumberGenerator.GetBytes(32),
        };
        var first = Keys(meter.Id, 2).Single(k => k.Kind == MeterKeyKind.MqttPassword);

        await Storage.Keys.ReplaceAsync(replacement, Token);
        await Storage.Keys.ReplaceAsync(first, Token);

        Assert.Equal([.. stored.Where(k => k.Kind != MeterKeyKind.MqttPassword), replacement], (await Storage.Keys.GetAsync(meter.Id, 1, Token)).OrderBy(k => k.Kind));
        Assert.Equal([first], await Storage.Keys.GetAsync(meter.Id, 2, Token));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Storage.Keys.ReplaceAsync(first with { Meter = new MeterId(9) }, Token));
    }

    [Fact]
    public async Task FindByFingerprintAsync_FindsEveryOtherMeterHoldingTheKey()
    {
        var a = await AddMeterAsync(1);
        var b = await AddMeterAsync(2);
        var c = await AddMeterAsync(3);
        var shared = RandomNumberGenerator.GetBytes(32);
        var keysA = Keys(a.Id, 1);
        keysA[0] = keysA[0] with { Fingerprint = shared };
        var keysB = Keys(b.Id, 3);
        keysB[2] = keysB[2] with { Fingerprint = shared };
        await Storage.Keys.SaveAsync([.. keysA, .. keysB, .. Keys(c.Id, 1)], Token);

        Assert.Equal([a.Id, b.Id], await Storage.Keys.FindByFingerprintAsync(shared, null, Token));
        Assert.Equal([b.Id], await Storage.Keys.FindByFingerprintAsync(shared, a.Id, Token));
        Assert.Empty(await Storage.Keys.FindByFingerprintAsync(RandomNumberGenerator.GetBytes(32), null, Token));
        await Assert.ThrowsAsync<ArgumentException>(() => Storage.Keys.FindByFingerprintAsync(new byte[20], null, Token));
    }

    private static List<StoredMeterKey> Keys(MeterId meter, int generation) =>
        [.. Enum.GetValues<MeterKeyKind>().Select(kind => new StoredMeterKey(
            meter, kind, generation, new WrappedKey("file", $"kek-{generation}", RandomNumberGenerator.GetBytes(kind == MeterKeyKind.ReaderPassword ? 40 : 24)),
            RandomNumberGenerator.GetBytes(32)))];
}
