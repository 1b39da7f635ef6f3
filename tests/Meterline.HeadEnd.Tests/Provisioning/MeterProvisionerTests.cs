using System.Text;
using Meterline.HeadEnd.Keys;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Provisioning;
using Meterline.HeadEnd.Tests.Keys;

namespace Meterline.HeadEnd.Tests.Provisioning;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class MeterProvisionerTests
{
    private const string Ek = "3C9E1A7D52B04F86E1D7A3905C2B6F18";
    private const string Ak = "A41F7C3E9B2D5068F1C4E7A93D6B2051";
    private const string Mk = "5E8B2C71D4A9F3060B7E1C5A8D2F4396";

    [Fact]
    public async Task AddAsync_NewMeter_StoresFreshDistinctKeysAndAuditsWithoutThem()
    {
        using var h = await ProvisioningHarness.CreateAsync();

        var result = await h.Provisioner.AddAsync(ProvisioningHarness.Registration(1), "alice");

        Assert.Equal(ProvisioningOutcome.Added, result.Outcome);
        var meter = Assert.IsType<MeterId>(result.Meter);
        var stored = await h.Keys.GetAsync(meter, 1);
        Assert.Equal([MeterKeyKind.Encryption, MeterKeyKind.Authentication, MeterKeyKind.Master, MeterKeyKind.ReaderPassword], stored.Select(k => k.Kind));
        using var secrets = (await h.Keyring.GetSecretsAsync(meter, 1))!;
        Assert.Equal(3, new[] { Convert.ToHexString(secrets.Encryption), Convert.ToHexString(secrets.Authentication), Convert.ToHexString(secrets.Master) }.Distinct().Count());
        Assert.Equal(16, secrets.ReaderPassword.Length);
        Assert.All(secrets.ReaderPassword.ToArray(), b => Assert.InRange(b, (byte)'!', (byte)'~'));
        Assert.Null(KeyPolicy.Check(MeterKeyKind.Encryption, secrets.Encryption));
        var entry = Assert.Single(await h.AuditEntriesAsync());
        Assert.Equal(("alice", "key.generated", meter.ToString()), (entry.Actor, entry.Action, entry.Subject));
        Assert.Contains("\"serial\":\"MTL00000001\"", entry.Detail, StringComparison.Ordinal);
        FileKeyProviderTests.AssertNoSecret(entry.Detail, secrets.Encryption.ToArray(), secrets.Authentication.ToArray(), secrets.Master.ToArray());
        Assert.DoesNotContain(Encoding.ASCII.GetString(secrets.ReaderPassword), entry.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImportAsync_GivenKeys_AreStoredAndUnwrapToTheSame()
    {
        using var h = await ProvisioningHarness.CreateAsync();
        using var keys = ProvisioningHarness.Keys3(Ek, Ak, Mk);

        var result = await h.Provisioner.ImportAsync(ProvisioningHarness.Registration(1), keys, "alice");

        Assert.Equal(ProvisioningOutcome.Added, result.Outcome);
        using var secrets = (await h.Keyring.GetSecretsAsync(result.Meter!.Value, 1))!;
        Assert.Equal(Ek, Convert.ToHexString(secrets.Encryption));
        Assert.Equal(Ak, Convert.ToHexString(secrets.Authentication));
        Assert.Equal(Mk, Convert.ToHexString(secrets.Master));
        Assert.Equal("Pw-7sK!q", Encoding.ASCII.GetString(secrets.ReaderPassword));
        Assert.Equal("key.imported", (await h.AuditEntriesAsync())[0].Action);
    }

    public static TheoryData<string, string, string, string, string> WeakKeys()
    {
        var data = new TheoryData<string, string, string, string, string>();
        foreach (var published in new[] { "000102030405060708090A0B0C0D0E0F", "D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF", "00112233445566778899AABBCCDDEEFF" })
        {
            data.Add(published, Ak, Mk, "Pw-7sK!q", "encryptionKey is a published test key");
            data.Add(Ek, published, Mk, "Pw-7sK!q", "authenticationKey is a published test key");
            data.Add(Ek, Ak, published, "Pw-7sK!q", "masterKey is a published test key");
        }

        data.Add(new string('0', 32), Ak, Mk, "Pw-7sK!q", "encryptionKey is one byte value repeated");
        data.Add(Ek, new string('F', 32), Mk, "Pw-7sK!q", "authenticationKey is one byte value repeated");
        data.Add(Ek, Ak, "5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A", "Pw-7sK!q", "masterKey is one byte value repeated");
        data.Add(Ek, Ak, Ek, "Pw-7sK!q", "encryptionKey and masterKey are equal: a meter's keys must differ");
        data.Add(Ek, Ak, Mk, "12345678", "readerPassword is a published test password");
        data.Add(Ek, Ak, Mk, "aaaaaaaa", "readerPassword is one byte value repeated");
        data.Add(Ek, Ak, Mk, "short", "readerPassword must be 8 to 16 characters");
        data.Add(Ek, Ak, Mk, "with space", "readerPassword must be printable ASCII characters without spaces");
        return data;
    }

    [Theory]
    [MemberData(nameof(WeakKeys))]
    public async Task ImportAsync_WeakOrPublishedKey_IsRefusedAndChangesNothing(string ek, string ak, string mk, string password, string reason)
    {
        using var h = await ProvisioningHarness.CreateAsync();
        using var keys = ProvisioningHarness.Keys3(ek, ak, mk, password);

        var result = await h.Provisioner.ImportAsync(ProvisioningHarness.Registration(1), keys, "alice");

        Assert.Equal(ProvisioningOutcome.Refused, result.Outcome);
        Assert.StartsWith("meter MTL00000001: " + reason, result.Reason, StringComparison.Ordinal);
        Assert.Null(result.Meter);
        Assert.Equal(0, await h.Meters.CountAsync());
        FileKeyProviderTests.AssertNoSecret(result.Reason, Convert.FromHexString(ek), Convert.FromHexString(ak), Convert.FromHexString(mk));
        var entry = Assert.Single(await h.AuditEntriesAsync());
        Assert.Equal(("key.refused", "MTL00000001"), (entry.Action, entry.Subject));
        FileKeyProviderTests.AssertNoSecret(entry.Detail, Convert.FromHexString(ek), Convert.FromHexString(ak), Convert.FromHexString(mk));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public async Task ImportAsync_KeyUsedByAnotherMeter_IsRefusedNamingOnlyTheField(int slot)
    {
        using var h = await ProvisioningHarness.CreateAsync();
        using var first = ProvisioningHarness.Keys3(Ek, Ak, Mk);
        var other = (await h.Provisioner.ImportAsync(ProvisioningHarness.Registration(1), first, "alice")).Meter!.Value;
        var fresh = new[] { "71C3A9E5F20B48D6A1E7C3958B2D4F60", "C2E84A1F6B39D5074E8A2C61F9D3B715", "0F6D3A8C1E5B7294D6A0C3E81B5F7D29" };
        fresh[slot] = Mk;
        using var reused = ProvisioningHarness.Keys3(fresh[0], fresh[1], fresh[2], "Other-pw9");

        var result = await h.Provisioner.ImportAsync(ProvisioningHarness.Registration(2), reused, "mallory");

        var field = new[] { "encryptionKey", "authenticationKey", "masterKey" }[slot];
        Assert.Equal(new ProvisioningResult("MTL00000002", ProvisioningOutcome.Refused, null, $"meter MTL00000002: {field} is already used by another meter"), result);
        Assert.Equal(1, await h.Meters.CountAsync());
        var entry = (await h.AuditEntriesAsync())[^1];
        Assert.Equal("key.refused", entry.Action);
        Assert.Contains($"\"otherMeter\":{other.Value}", entry.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImportAsync_SameMeterSameKeysAgain_IsSkipped_OtherKeys_IsRefused()
    {
        using var h = await ProvisioningHarness.CreateAsync();
        using var keys = ProvisioningHarness.Keys3(Ek, Ak, Mk);
        using var other = ProvisioningHarness.Keys3("71C3A9E5F20B48D6A1E7C3958B2D4F60", Ak, Mk);
        var added = await h.Provisioner.ImportAsync(ProvisioningHarness.Registration(1), keys, "alice");

        var again = await h.Provisioner.ImportAsync(ProvisioningHarness.Registration(1), keys, "alice");
        var changed = await h.Provisioner.ImportAsync(ProvisioningHarness.Registration(1), other, "alice");

        Assert.Equal(new ProvisioningResult("MTL00000001", ProvisioningOutcome.Skipped, added.Meter, "meter MTL00000001 is already registered with the same keys"), again);
        Assert.Equal(new ProvisioningResult("MTL00000001", ProvisioningOutcome.Refused, added.Meter, "meter MTL00000001: already registered with other keys"), changed);
        Assert.Equal(4, (await h.Keys.GetAsync(added.Meter!.Value, 1)).Count);
    }

    [Fact]
    public async Task ImportAsync_SystemTitleOfAnotherMeterOrSerialWithOtherTitle_IsRefused()
    {
        using var h = await ProvisioningHarness.CreateAsync();
        using var keys = ProvisioningHarness.Keys3(Ek, Ak, Mk);
        using var keys2 = ProvisioningHarness.Keys3("71C3A9E5F20B48D6A1E7C3958B2D4F60", "C2E84A1F6B39D5074E8A2C61F9D3B715", "0F6D3A8C1E5B7294D6A0C3E81B5F7D29");
        await h.Provisioner.ImportAsync(ProvisioningHarness.Registration(1), keys, "alice");

        var sameTitle = await h.Provisioner.ImportAsync(ProvisioningHarness.Registration(1) with { Serial = "OTHER1" }, keys2, "alice");
        var otherTitle = await h.Provisioner.ImportAsync(ProvisioningHarness.Registration(1) with { SystemTitle = new MeterSystemTitle(99) }, keys2, "alice");

        Assert.Equal("meter OTHER1: system title 4D544C0000000001 belongs to meter MTL00000001", sameTitle.Reason);
        Assert.Equal("meter MTL00000001: the serial is registered with another system title", otherTitle.Reason);
        Assert.Equal(1, await h.Meters.CountAsync());
    }

    [Fact]
    public async Task ImportAsync_MeterRegisteredWithoutKeys_IsCompleted()
    {
        using var h = await ProvisioningHarness.CreateAsync();
        var half = await h.Meters.AddAsync(ProvisioningHarness.Registration(1));
        using var keys = ProvisioningHarness.Keys3(Ek, Ak, Mk);

        var result = await h.Provisioner.ImportAsync(ProvisioningHarness.Registration(1), keys, "alice");

        Assert.Equal(new ProvisioningResult("MTL00000001", ProvisioningOutcome.Added, half.Id, "meter MTL00000001 was registered without keys; its keys are now stored"), result);
        Assert.NotNull(await h.Keyring.GetSecretsAsync(half.Id, 1));
    }

    [Fact]
    public async Task BeginAndCompleteRotation_StoresNewGenerationThenActivatesIt()
    {
        using var h = await ProvisioningHarness.CreateAsync();
        using var keys = ProvisioningHarness.Keys3(Ek, Ak, Mk);
        var meter = (await h.Provisioner.ImportAsync(ProvisioningHarness.Registration(1), keys, "alice")).Meter!.Value;

        var generation = await h.Provisioner.BeginRotationAsync(meter, "alice");

        Assert.Equal(2, generation);
        var rotating = (await h.Meters.GetAsync(meter))!;
        Assert.Equal((KeyStatus.Rotating, 1), (rotating.KeyStatus, rotating.KeyGeneration));
        using (var next = (await h.Keyring.GetSecretsAsync(meter, 2))!)
        {
            Assert.NotEqual(Ek, Convert.ToHexString(next.Encryption));
            Assert.NotEqual(Ak, Convert.ToHexString(next.Authentication));
            Assert.NotEqual(Mk, Convert.ToHexString(next.Master));
            Assert.Equal("Pw-7sK!q", Encoding.ASCII.GetString(next.ReaderPassword));
        }

        Assert.Equal(2, await h.Provisioner.BeginRotationAsync(meter, "alice"));
        Assert.Equal(4, (await h.Keys.GetAsync(meter, 2)).Count);

        await h.Provisioner.CompleteRotationAsync(meter, "alice");

        var active = (await h.Meters.GetAsync(meter))!;
        Assert.Equal((KeyStatus.Active, 2), (active.KeyStatus, active.KeyGeneration));
        Assert.Equal(["key.imported", "key.rotation-started", "key.rotated"], (await h.AuditEntriesAsync()).Select(e => e.Action));
        var reused = await h.Provisioner.ImportAsync(ProvisioningHarness.Registration(2), ProvisioningHarness.Keys3(Ek, "C2E84A1F6B39D5074E8A2C61F9D3B715", "0F6D3A8C1E5B7294D6A0C3E81B5F7D29"), "alice");
        Assert.Equal(ProvisioningOutcome.Refused, reused.Outcome);
    }

    [Fact]
    public async Task CompleteRotation_WhenNotRotating_IsRefusedAndChangesNothing()
    {
        using var h = await ProvisioningHarness.CreateAsync();
        var meter = (await h.Provisioner.AddAsync(ProvisioningHarness.Registration(1), "alice")).Meter!.Value;

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => h.Provisioner.CompleteRotationAsync(meter, "alice"));

        Assert.Equal($"Meter {meter} is not rotating its keys (status Active).", e.Message);
        Assert.Equal(1, (await h.Meters.GetAsync(meter))!.KeyGeneration);
        Assert.Single(await h.AuditEntriesAsync());
    }

    [Fact]
    public async Task MarkCompromised_ThenRekey_GoesCompromisedRotatingActive()
    {
        using var h = await ProvisioningHarness.CreateAsync();
        var meter = (await h.Provisioner.AddAsync(ProvisioningHarness.Registration(1), "alice")).Meter!.Value;

        Assert.True(await h.Provisioner.MarkCompromisedAsync(meter, "system", "cover opened (event 251)"));
        Assert.False(await h.Provisioner.MarkCompromisedAsync(meter, "system", "cover opened (event 251)"));
        Assert.Equal(KeyStatus.Compromised, (await h.Meters.GetAsync(meter))!.KeyStatus);

        Assert.Equal(2, await h.Provisioner.BeginRotationAsync(meter, "alice"));
        await h.Provisioner.CompleteRotationAsync(meter, "alice");

        Assert.Equal((KeyStatus.Active, 2), ((await h.Meters.GetAsync(meter))!.KeyStatus, (await h.Meters.GetAsync(meter))!.KeyGeneration));
        var compromised = (await h.AuditEntriesAsync()).Single(e => e.Action == "key.compromised");
        Assert.Contains("cover opened (event 251)", compromised.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotation_UnknownMeter_Throws()
    {
        using var h = await ProvisioningHarness.CreateAsync();

        var e = await Assert.ThrowsAsync<KeyNotFoundException>(() => h.Provisioner.BeginRotationAsync(new MeterId(42), "alice"));

        Assert.Equal("No meter 42 is registered.", e.Message);
    }
}
