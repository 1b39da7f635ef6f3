using Meterline.HeadEnd.Keys;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Provisioning;
using Meterline.HeadEnd.Testing;

namespace Meterline.HeadEnd.Tests.Keys;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class MeterKeyringTests : IDisposable
{
    private static readonly MeterId Meter = new(3);
    private static readonly byte[] Ek = Convert.FromHexString("3C9E1A7D52B04F86E1D7A3905C2B6F18");
    private static readonly byte[] Ak = Convert.FromHexString("A41F7C3E9B2D5068F1C4E7A93D6B2051");
    private static readonly byte[] Mk = Convert.FromHexString("5E8B2C71D4A9F3060B7E1C5A8D2F4396");
    private static readonly byte[] Password = "Pw-7sK!q"u8.ToArray();

    private readonly TempDirectory _dir = new();
    private readonly FileKeyProvider _provider;
    private readonly InMemoryMeterKeyStore _store = new();

    public MeterKeyringTests() => _provider = _dir.OpenProvider();

    public void Dispose()
    {
        _provider.Dispose();
        _dir.Dispose();
    }

    private StoredMeterKey Stored(MeterKeyKind kind, byte[] secret, int generation = 1, MeterId? meter = null, MeterId? boundTo = null) =>
        new(meter ?? Meter, kind, generation, _provider.Wrap(new KeyBinding(boundTo ?? meter ?? Meter, kind, generation), secret), _provider.Fingerprint(secret));

    [Fact]
    public async Task GetSecretsAsync_StoredGeneration_UnwrapsAllFour()
    {
        await _store.SaveAsync([Stored(MeterKeyKind.Encryption, Ek), Stored(MeterKeyKind.Authentication, Ak), Stored(MeterKeyKind.Master, Mk), Stored(MeterKeyKind.ReaderPassword, Password)]);

        using var secrets = (await new MeterKeyring(_store, _provider).GetSecretsAsync(Meter, 1))!;

        Assert.Equal((Meter, 1), (secrets.Meter, secrets.Generation));
        Assert.Equal(Ek, secrets.Encryption.ToArray());
        Assert.Equal(Ak, secrets.Authentication.ToArray());
        Assert.Equal(Mk, secrets.Master.ToArray());
        Assert.Equal(Password, secrets.ReaderPassword.ToArray());
        Assert.Equal("secrets of meter 3, generation 1", secrets.ToString());
    }

    [Fact]
    public async Task GetSecretsAsync_NothingStored_IsNull()
    {
        Assert.Null(await new MeterKeyring(_store, _provider).GetSecretsAsync(Meter, 1));
    }

    [Fact]
    public async Task GetSecretsAsync_MissingAesKey_FailsNamingTheKind()
    {
        await _store.SaveAsync([Stored(MeterKeyKind.Encryption, Ek), Stored(MeterKeyKind.Master, Mk)]);

        var e = await Assert.ThrowsAsync<InvalidDataException>(() => new MeterKeyring(_store, _provider).GetSecretsAsync(Meter, 1));

        Assert.Equal("Meter 3, generation 1 has no Authentication key stored.", e.Message);
    }

    [Fact]
    public async Task GetSecretsAsync_BlobCopiedFromAnotherMeter_FailsToUnwrap()
    {
        var other = new MeterId(4);
        await _store.SaveAsync([Stored(MeterKeyKind.Encryption, Ek, boundTo: other), Stored(MeterKeyKind.Authentication, Ak), Stored(MeterKeyKind.Master, Mk)]);

        var e = await Assert.ThrowsAsync<KeyUnwrapException>(() => new MeterKeyring(_store, _provider).GetSecretsAsync(Meter, 1));

        Assert.StartsWith("Authentication of the key of meter 3, Encryption, generation 1 failed", e.Message, StringComparison.Ordinal);
        FileKeyProviderTests.AssertNoSecret(e.Message, Ek, Ak, Mk);
    }

    [Fact]
    public void MeterSecrets_Dispose_ZeroesEverySecret()
    {
        var secrets = new MeterSecrets(Meter, 1, Ek, Ak, Mk, Password);

        secrets.Dispose();

        Assert.True(secrets.Encryption.IndexOfAnyExcept((byte)0) < 0);
        Assert.True(secrets.Authentication.IndexOfAnyExcept((byte)0) < 0);
        Assert.True(secrets.Master.IndexOfAnyExcept((byte)0) < 0);
        Assert.True(secrets.ReaderPassword.IndexOfAnyExcept((byte)0) < 0);
    }

    [Fact]
    public void MeterKeySet_ToStringAndDispose_ShowNothingAndZero()
    {
        var keys = new MeterKeySet(Ek, Ak, Mk, Password);

        Assert.Equal("meter key set (secrets not shown)", keys.ToString());
        keys.Dispose();

        Assert.True(keys.Encryption.IndexOfAnyExcept((byte)0) < 0);
        Assert.True(keys.ReaderPassword.IndexOfAnyExcept((byte)0) < 0);
    }

    [Fact]
    public void MeterKeySet_Generate_GivesDistinctPolicyCleanKeys()
    {
        using var a = MeterKeySet.Generate();
        using var b = MeterKeySet.Generate();

        Assert.Null(KeyPolicy.Check(a));
        Assert.False(a.Encryption.SequenceEqual(b.Encryption));
        Assert.False(a.ReaderPassword.SequenceEqual(b.ReaderPassword));
        Assert.Equal(16, a.ReaderPassword.Length);
    }
}
