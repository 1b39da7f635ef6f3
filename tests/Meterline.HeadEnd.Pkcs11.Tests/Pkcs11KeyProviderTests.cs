using System.Security.Cryptography;
using Meterline.HeadEnd.Keys;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Testing;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Meterline.HeadEnd.Pkcs11.Tests;

[Collection(SoftHsmCollection.Name)]
public sealed class Pkcs11KeyProviderTests(SoftHsmFixture hsm)
{
    private static readonly byte[] Secret = Convert.FromHexString("8F3A61C02B9E4D7715A0C3E8D4B2F691");
    private static readonly KeyBinding MeterA = new(new MeterId(1), MeterKeyKind.Encryption, 1);

    private static string Prefix() => "t" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    [Fact]
    public void Wrap_ThenUnwrap_GivesTheSecretBackUnderGcm()
    {
        using var provider = Pkcs11KeyProvider.Open(hsm.Options(Prefix()));

        var wrapped = provider.Wrap(MeterA, Secret);

        Assert.Equal(("pkcs11", provider.KeyEncryptionKeyId), (wrapped.ProviderId, wrapped.KeyEncryptionKeyId));
        Assert.Equal(16, provider.KeyEncryptionKeyId.Length);
        Assert.Equal(1 + 12 + 16 + 16, wrapped.Blob.Length);
        Assert.Equal(Secret, provider.Unwrap(MeterA, wrapped));
        Assert.False(wrapped.Blob.Span.SequenceEqual(provider.Wrap(MeterA, Secret).Blob.Span));
    }

    public static TheoryData<KeyBinding> OtherBindings => new()
    {
        new KeyBinding(new MeterId(2), MeterKeyKind.Encryption, 1),
        new KeyBinding(new MeterId(1), MeterKeyKind.Master, 1),
        new KeyBinding(new MeterId(1), MeterKeyKind.Encryption, 2),
    };

    [Theory]
    [MemberData(nameof(OtherBindings))]
    public void Unwrap_BoundToAnotherMeterKindOrGeneration_Fails(KeyBinding other)
    {
        using var provider = Pkcs11KeyProvider.Open(hsm.Options(Prefix()));
        var wrapped = provider.Wrap(MeterA, Secret);

        var e = Assert.Throws<KeyUnwrapException>(() => provider.Unwrap(other, wrapped));

        Assert.StartsWith($"Authentication of the key of {other} failed", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexString(Secret), e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Unwrap_TamperedBlob_Fails()
    {
        using var provider = Pkcs11KeyProvider.Open(hsm.Options(Prefix()));
        var wrapped = provider.Wrap(MeterA, Secret);
        var blob = wrapped.Blob.ToArray();
        blob[20] ^= 1;

        Assert.Throws<KeyUnwrapException>(() => provider.Unwrap(MeterA, wrapped with { Blob = blob }));
    }

    [Fact]
    public void Unwrap_UnderAnotherKek_FailsNamingBothIds()
    {
        WrappedKey wrapped;
        string first;
        using (var provider = Pkcs11KeyProvider.Open(hsm.Options(Prefix())))
        {
            wrapped = provider.Wrap(MeterA, Secret);
            first = provider.KeyEncryptionKeyId;
        }

        using var other = Pkcs11KeyProvider.Open(hsm.Options(Prefix()));

        var e = Assert.Throws<KeyUnwrapException>(() => other.Unwrap(MeterA, wrapped));
        Assert.Equal($"The key of meter 1, Encryption, generation 1 was wrapped under key-encryption key {first}; this provider holds {other.KeyEncryptionKeyId}.", e.Message);
        Assert.Throws<KeyUnwrapException>(() => other.Unwrap(MeterA, wrapped with { KeyEncryptionKeyId = other.KeyEncryptionKeyId }));
    }

    [Fact]
    public void Open_Again_FindsTheSameKeysByLabel()
    {
        var prefix = Prefix();
        WrappedKey wrapped;
        byte[] fingerprint;
        byte[] publicKey;
        using (var provider = Pkcs11KeyProvider.Open(hsm.Options(prefix)))
        {
            wrapped = provider.Wrap(MeterA, Secret);
            fingerprint = provider.Fingerprint(Secret);
            publicKey = provider.Signer.PublicKey.ToArray();
        }

        using var reopened = Pkcs11KeyProvider.Open(hsm.Options(prefix) with { PinEnvironmentVariable = null, PinFile = hsm.PinFile });

        Assert.Equal(wrapped.KeyEncryptionKeyId, reopened.KeyEncryptionKeyId);
        Assert.Equal(Secret, reopened.Unwrap(MeterA, wrapped));
        Assert.Equal(fingerprint, reopened.Fingerprint(Secret));
        Assert.Equal(publicKey, reopened.Signer.PublicKey.ToArray());
    }

    [Fact]
    public void Fingerprint_IsHmacUnderATokenKey_EqualForEqualSecrets()
    {
        using var provider = Pkcs11KeyProvider.Open(hsm.Options(Prefix()));

        var fingerprint = provider.Fingerprint(Secret);

        Assert.Equal(32, fingerprint.Length);
        Assert.Equal(fingerprint, provider.Fingerprint(Secret.ToArray()));
        Assert.NotEqual(fingerprint, provider.Fingerprint(Convert.FromHexString("8F3A61C02B9E4D7715A0C3E8D4B2F690")));
        Assert.NotEqual(fingerprint, SHA256.HashData(Secret));
    }

    [Fact]
    public async Task Signer_SignsInTheToken_SignatureVerifiesWithThePublicKey()
    {
        using var provider = Pkcs11KeyProvider.Open(hsm.Options(Prefix()));
        var data = "ACTION remote_disconnect"u8.ToArray();

        var signature = await provider.Signer.SignAsync(data);

        var publicKey = provider.Signer.PublicKey.ToArray();
        Assert.Equal(65, publicKey.Length);
        Assert.Equal(64, signature.Length);
        using var verifier = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = publicKey[1..33], Y = publicKey[33..] } });
        Assert.True(verifier.VerifyData(data, signature, HashAlgorithmName.SHA256));
        Assert.False(verifier.VerifyData("ACTION remote_reconnect"u8, signature, HashAlgorithmName.SHA256));
    }

    [Fact]
    public void Keys_InTheToken_AreSensitiveAndNotExtractable()
    {
        var prefix = Prefix();
        using (var provider = Pkcs11KeyProvider.Open(hsm.Options(prefix)))
        {
            _ = provider.Signer;
        }

        var factories = new Pkcs11InteropFactories();
        using var library = factories.Pkcs11LibraryFactory.LoadPkcs11Library(factories, hsm.ModulePath, AppType.MultiThreaded);
        var slot = library.GetSlotList(SlotsType.WithTokenPresent).Single(s => s.GetTokenInfo().Label.Trim() == SoftHsmFixture.TokenLabel);
        using var session = slot.OpenSession(SessionType.ReadOnly);
        session.Login(CKU.CKU_USER, hsm.Pin);
        foreach (var (objectClass, label) in new[] { (CKO.CKO_SECRET_KEY, "-kek"), (CKO.CKO_SECRET_KEY, "-fingerprint"), (CKO.CKO_PRIVATE_KEY, "-hes-signing") })
        {
            var found = session.FindAllObjects(
            [
                factories.ObjectAttributeFactory.Create(CKA.CKA_CLASS, (ulong)objectClass),
                factories.ObjectAttributeFactory.Create(CKA.CKA_LABEL, prefix + label),
            ]);
            var handle = Assert.Single(found);
            var attributes = session.GetAttributeValue(handle, [CKA.CKA_SENSITIVE, CKA.CKA_EXTRACTABLE, CKA.CKA_TOKEN]);
            Assert.True(attributes[0].GetValueAsBool(), label + " sensitive");
            Assert.False(attributes[1].GetValueAsBool(), label + " extractable");
            Assert.True(attributes[2].GetValueAsBool(), label + " on the token");
            var value = session.GetAttributeValue(handle, [CKA.CKA_VALUE])[0];
            Assert.True(value.CannotBeRead, label + " value readable");
        }

        session.Logout();
    }

    [Fact]
    public void Open_WrongPin_FailsWithoutShowingIt()
    {
        var wrongPin = "wrong-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        Environment.SetEnvironmentVariable("METERLINE_TEST_PKCS11_WRONG_PIN", wrongPin);
        try
        {
            var e = Assert.Throws<KeyProviderException>(() => Pkcs11KeyProvider.Open(hsm.Options(Prefix()) with { PinEnvironmentVariable = "METERLINE_TEST_PKCS11_WRONG_PIN" }));

            Assert.Equal($"Login to token '{SoftHsmFixture.TokenLabel}' failed (CKR_PIN_INCORRECT).", e.Message);
            Assert.DoesNotContain(wrongPin, e.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(hsm.Pin, e.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("METERLINE_TEST_PKCS11_WRONG_PIN", null);
        }
    }

    [Fact]
    public void Open_UnknownTokenOrUnsetPinOrOpenPinFile_IsRefused()
    {
        Assert.Equal($"No token labelled 'no-such-token' is present in {hsm.ModulePath}.",
            Assert.Throws<KeyProviderException>(() => Pkcs11KeyProvider.Open(hsm.Options(Prefix()) with { TokenLabel = "no-such-token" })).Message);
        Assert.Equal("The environment variable METERLINE_TEST_PKCS11_UNSET (the token's user PIN) is not set.",
            Assert.Throws<KeyProviderException>(() => Pkcs11KeyProvider.Open(hsm.Options(Prefix()) with { PinEnvironmentVariable = "METERLINE_TEST_PKCS11_UNSET" })).Message);
        var open = Path.Combine(hsm.Directory, "open-pin");
        File.WriteAllText(open, hsm.Pin);
        File.SetUnixFileMode(open, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        var e = Assert.Throws<KeyProviderException>(() => Pkcs11KeyProvider.Open(hsm.Options(Prefix()) with { PinEnvironmentVariable = null, PinFile = open }));
        Assert.Contains("mode 0604", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_MissingModule_IsRefusedClearly()
    {
        var e = Assert.Throws<KeyProviderException>(() => Pkcs11KeyProvider.Open(hsm.Options(Prefix()) with { ModulePath = "/nonexistent/libpkcs11.so" }));

        Assert.Equal("The PKCS#11 module /nonexistent/libpkcs11.so cannot be loaded or initialised.", e.Message);
    }

    [Fact]
    public async Task Keyring_OverPkcs11Provider_ReturnsStoredSecrets()
    {
        using var provider = Pkcs11KeyProvider.Open(hsm.Options(Prefix()));
        var store = new InMemoryMeterKeyStore();
        var meter = new MeterId(5);
        var secrets = new Dictionary<MeterKeyKind, byte[]>
        {
            [MeterKeyKind.Encryption] = RandomNumberGenerator.GetBytes(16),
            [MeterKeyKind.Authentication] = RandomNumberGenerator.GetBytes(16),
            [MeterKeyKind.Master] = RandomNumberGenerator.GetBytes(16),
            [MeterKeyKind.ReaderPassword] = "Rd0-pass#Zq"u8.ToArray(),
        };
        await store.SaveAsync([.. secrets.Select(s => new StoredMeterKey(meter, s.Key, 1, provider.Wrap(new KeyBinding(meter, s.Key, 1), s.Value), provider.Fingerprint(s.Value)))]);

        using var unwrapped = (await new MeterKeyring(store, provider).GetSecretsAsync(meter, 1))!;

        Assert.Equal(secrets[MeterKeyKind.Encryption], unwrapped.Encryption.ToArray());
        Assert.Equal(secrets[MeterKeyKind.Master], unwrapped.Master.ToArray());
        Assert.Equal(secrets[MeterKeyKind.ReaderPassword], unwrapped.ReaderPassword.ToArray());
    }
}
