using System.Security.Cryptography;
using Meterline.HeadEnd.Keys;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Tests.Keys;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class FileKeyProviderTests : IDisposable
{
    private static readonly byte[] Secret = Convert.FromHexString("8F3A61C02B9E4D7715A0C3E8D4B2F691");
    private static readonly KeyBinding MeterA = new(new MeterId(1), MeterKeyKind.Encryption, 1);

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Open_AbsentKeyFileWithCreate_CreatesOwnerOnly32RandomBytes()
    {
        using var provider = _dir.OpenProvider();

        var path = _dir.File("kek");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        var kek = File.ReadAllBytes(path);
        Assert.Equal(32, kek.Length);
        Assert.True(kek.AsSpan().ContainsAnyExcept(kek[0]));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(kek)[..8]), provider.KeyEncryptionKeyId);
        Assert.Equal("file", provider.ProviderId);
    }

    [Fact]
    public void Open_AbsentKeyFileWithoutCreate_ThrowsAndCreatesNothing()
    {
        var e = Assert.Throws<KeyProviderException>(() => FileKeyProvider.Open(new FileKeyProviderOptions { KeyFile = _dir.File("kek") }));

        Assert.Contains("does not exist", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_dir.File("kek")));
    }

    [Theory]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, "0644")]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, "0640")]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.OtherWrite, "0402")]
    public void Open_KeyFileReadableByOthers_IsRefused(UnixFileMode mode, string octal)
    {
        _dir.OpenProvider().Dispose();
        File.SetUnixFileMode(_dir.File("kek"), mode);

        var e = Assert.Throws<KeyProviderException>(() => _dir.OpenProvider());

        Assert.Contains($"mode {octal}", e.Message, StringComparison.Ordinal);
        Assert.Contains("chmod 600", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(0)]
    public void Open_KeyFileOfWrongLength_IsRefused(int length)
    {
        var path = _dir.File("kek");
        OwnerOnlyFile.Write(path, new byte[length], overwrite: true);

        var e = Assert.Throws<KeyProviderException>(() => _dir.OpenProvider());

        Assert.Contains("exactly 32 bytes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_Reopened_HasSameKeyAndUnwrapsEarlierBlobs()
    {
        WrappedKey wrapped;
        string id;
        using (var first = _dir.OpenProvider())
        {
            wrapped = first.Wrap(MeterA, Secret);
            id = first.KeyEncryptionKeyId;
        }

        using var second = _dir.OpenProvider();

        Assert.Equal(id, second.KeyEncryptionKeyId);
        Assert.Equal(Secret, second.Unwrap(MeterA, wrapped));
    }

    [Fact]
    public void Open_FromEnvironment_UsesBase64Key()
    {
        var kek = RandomNumberGenerator.GetBytes(32);
        var variable = "METERLINE_TEST_KEK_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(4));
        Environment.SetEnvironmentVariable(variable, Convert.ToBase64String(kek));
        try
        {
            using var provider = FileKeyProvider.Open(new FileKeyProviderOptions { KeyEnvironmentVariable = variable, SigningKeyFile = _dir.File("signing.json") });

            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(kek)[..8]), provider.KeyEncryptionKeyId);
            Assert.Equal(Secret, provider.Unwrap(MeterA, provider.Wrap(MeterA, Secret)));
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Theory]
    [InlineData("not base64 at all!")]
    [InlineData("AAECAwQFBgcICQoLDA0ODw==")]
    public void Open_FromEnvironmentWithBadValue_IsRefusedWithoutEchoingIt(string value)
    {
        var variable = "METERLINE_TEST_KEK_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(4));
        Environment.SetEnvironmentVariable(variable, value);
        try
        {
            var e = Assert.Throws<KeyProviderException>(() =>
                FileKeyProvider.Open(new FileKeyProviderOptions { KeyEnvironmentVariable = variable, SigningKeyFile = _dir.File("signing.json") }));

            Assert.Contains("256-bit key in base64", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(value, e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public void Open_FromUnsetEnvironmentVariable_IsRefused()
    {
        var e = Assert.Throws<KeyProviderException>(() =>
            FileKeyProvider.Open(new FileKeyProviderOptions { KeyEnvironmentVariable = "METERLINE_TEST_KEK_UNSET_7F1E", SigningKeyFile = _dir.File("signing.json") }));

        Assert.Equal("The environment variable METERLINE_TEST_KEK_UNSET_7F1E is not set.", e.Message);
    }

    [Fact]
    public void Open_BothOrNeitherSource_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => FileKeyProvider.Open(new FileKeyProviderOptions()));
        Assert.Throws<ArgumentException>(() => FileKeyProvider.Open(new FileKeyProviderOptions { KeyFile = _dir.File("kek"), KeyEnvironmentVariable = "X" }));
        Assert.False(File.Exists(_dir.File("kek")));
    }

    [Fact]
    public void Wrap_SameSecretTwice_GivesDifferentBlobsThatBothUnwrap()
    {
        using var provider = _dir.OpenProvider();

        var a = provider.Wrap(MeterA, Secret);
        var b = provider.Wrap(MeterA, Secret);

        Assert.False(a.Blob.Span.SequenceEqual(b.Blob.Span));
        Assert.Equal(1 + 12 + 16 + 16, a.Blob.Length);
        Assert.Equal(1, a.Blob.Span[0]);
        Assert.Equal(provider.KeyEncryptionKeyId, a.KeyEncryptionKeyId);
        Assert.Equal(Secret, provider.Unwrap(MeterA, a));
        Assert.Equal(Secret, provider.Unwrap(MeterA, b));
        Assert.DoesNotContain(Convert.ToHexString(Secret), Convert.ToHexString(a.Blob.Span), StringComparison.Ordinal);
    }

    [Fact]
    public void Unwrap_UnderAnotherKek_FailsNamingIdsButNoKey()
    {
        using var provider = _dir.OpenProvider("kek1");
        using var other = _dir.OpenProvider("kek2");
        var wrapped = provider.Wrap(MeterA, Secret);

        var e = Assert.Throws<KeyUnwrapException>(() => other.Unwrap(MeterA, wrapped));

        Assert.Equal($"The key of meter 1, Encryption, generation 1 was wrapped under key-encryption key {provider.KeyEncryptionKeyId}; this provider holds {other.KeyEncryptionKeyId}.", e.Message);
        AssertNoSecret(e.Message, File.ReadAllBytes(_dir.File("kek1")), File.ReadAllBytes(_dir.File("kek2")), Secret);
    }

    [Fact]
    public void Unwrap_UnderAnotherKekWithForgedKekId_FailsAuthentication()
    {
        using var provider = _dir.OpenProvider("kek1");
        using var other = _dir.OpenProvider("kek2");
        var wrapped = provider.Wrap(MeterA, Secret) with { KeyEncryptionKeyId = other.KeyEncryptionKeyId };

        var e = Assert.Throws<KeyUnwrapException>(() => other.Unwrap(MeterA, wrapped));

        Assert.StartsWith("Authentication of the key of meter 1, Encryption, generation 1 failed", e.Message, StringComparison.Ordinal);
        AssertNoSecret(e.Message, File.ReadAllBytes(_dir.File("kek1")), File.ReadAllBytes(_dir.File("kek2")), Secret);
    }

    public static TheoryData<KeyBinding> OtherBindings => new()
    {
        new KeyBinding(new MeterId(2), MeterKeyKind.Encryption, 1),
        new KeyBinding(new MeterId(1), MeterKeyKind.Authentication, 1),
        new KeyBinding(new MeterId(1), MeterKeyKind.Master, 1),
        new KeyBinding(new MeterId(1), MeterKeyKind.Encryption, 2),
    };

    [Theory]
    [MemberData(nameof(OtherBindings))]
    public void Unwrap_BlobBoundToAnotherMeterKindOrGeneration_Fails(KeyBinding other)
    {
        using var provider = _dir.OpenProvider();
        var wrapped = provider.Wrap(MeterA, Secret);

        var e = Assert.Throws<KeyUnwrapException>(() => provider.Unwrap(other, wrapped));

        Assert.StartsWith($"Authentication of the key of {other} failed", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unwrap_AnyBitFlipped_Fails()
    {
        using var provider = _dir.OpenProvider();
        var wrapped = provider.Wrap(MeterA, Secret);

        for (var i = 1; i < wrapped.Blob.Length; i++)
        {
            var blob = wrapped.Blob.ToArray();
            blob[i] ^= 0x01;
            Assert.Throws<KeyUnwrapException>(() => provider.Unwrap(MeterA, wrapped with { Blob = blob }));
        }
    }

    [Fact]
    public void Unwrap_UnknownVersionForeignProviderOrShortBlob_FailsClearly()
    {
        using var provider = _dir.OpenProvider();
        var wrapped = provider.Wrap(MeterA, Secret);
        var versioned = wrapped.Blob.ToArray();
        versioned[0] = 2;

        Assert.Equal("The wrapped blob of the key of meter 1, Encryption, generation 1 has unknown format version 2.",
            Assert.Throws<KeyUnwrapException>(() => provider.Unwrap(MeterA, wrapped with { Blob = versioned })).Message);
        Assert.Equal("The key of meter 1, Encryption, generation 1 was wrapped by the 'pkcs11' provider, not by the file provider.",
            Assert.Throws<KeyUnwrapException>(() => provider.Unwrap(MeterA, wrapped with { ProviderId = "pkcs11" })).Message);
        Assert.Equal("The wrapped blob of the key of meter 1, Encryption, generation 1 has an impossible length (29 bytes).",
            Assert.Throws<KeyUnwrapException>(() => provider.Unwrap(MeterA, wrapped with { Blob = wrapped.Blob[..29] })).Message);
    }

    [Fact]
    public void Fingerprint_EqualSecrets_EqualFingerprints_OtherKekOrSecret_Differ()
    {
        using var provider = _dir.OpenProvider("kek1");
        using var other = _dir.OpenProvider("kek2");

        var fingerprint = provider.Fingerprint(Secret);

        Assert.Equal(32, fingerprint.Length);
        Assert.Equal(fingerprint, provider.Fingerprint(Secret.ToArray()));
        Assert.NotEqual(fingerprint, other.Fingerprint(Secret));
        Assert.NotEqual(fingerprint, provider.Fingerprint(Convert.FromHexString("8F3A61C02B9E4D7715A0C3E8D4B2F690")));
        Assert.NotEqual(fingerprint, SHA256.HashData(Secret));
    }

    [Fact]
    public async Task Signer_FirstUse_CreatesWrappedOwnerOnlyFile_ReopenedLoadsSameKey()
    {
        byte[] publicKey;
        byte[] signature;
        var data = "ACTION remote_disconnect"u8.ToArray();
        using (var provider = _dir.OpenProvider())
        {
            Assert.False(File.Exists(_dir.File("kek.signing.json")));
            publicKey = provider.Signer.PublicKey.ToArray();
            signature = await provider.Signer.SignAsync(data);
        }

        var signingFile = _dir.File("kek.signing.json");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(signingFile));
        Assert.DoesNotContain("PRIVATE", File.ReadAllText(signingFile), StringComparison.Ordinal);
        using var reopened = _dir.OpenProvider();
        Assert.Equal(publicKey, reopened.Signer.PublicKey.ToArray());
        Assert.Equal(65, publicKey.Length);
        Assert.Equal(0x04, publicKey[0]);
        Assert.Equal(64, signature.Length);
        using var verifier = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = publicKey[1..33], Y = publicKey[33..] } });
        Assert.True(verifier.VerifyData(data, signature, HashAlgorithmName.SHA256));
        Assert.True(verifier.VerifyData(data, await reopened.Signer.SignAsync(data), HashAlgorithmName.SHA256));
        Assert.False(verifier.VerifyData("ACTION remote_reconnect"u8, signature, HashAlgorithmName.SHA256));
    }

    [Fact]
    public void Signer_FileWrappedUnderAnotherKek_IsRefused()
    {
        using (var provider = _dir.OpenProvider())
        {
            _ = provider.Signer;
        }

        File.Delete(_dir.File("kek"));
        using var other = _dir.OpenProvider();

        var e = Assert.Throws<KeyProviderException>(() => other.Signer);

        Assert.Contains("was wrapped under key-encryption key", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dispose_ThenUse_Throws()
    {
        var provider = _dir.OpenProvider();
        provider.Dispose();

        Assert.Throws<ObjectDisposedException>(() => provider.Wrap(MeterA, Secret));
        Assert.Throws<ObjectDisposedException>(() => provider.Fingerprint(Secret));
        Assert.Throws<ObjectDisposedException>(() => provider.Signer);
    }

    [Fact]
    public void ToString_OfProviderAndWrappedKey_HoldsNoSecret()
    {
        using var provider = _dir.OpenProvider();
        var wrapped = provider.Wrap(MeterA, Secret);

        var text = provider + " " + wrapped + " " + MeterA;

        AssertNoSecret(text, File.ReadAllBytes(_dir.File("kek")), Secret, wrapped.Blob.ToArray());
        Assert.Equal($"file/{provider.KeyEncryptionKeyId} (45 bytes wrapped)", wrapped.ToString());
    }

    internal static void AssertNoSecret(string text, params byte[][] secrets)
    {
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(Convert.ToHexString(secret), text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(Convert.ToBase64String(secret), text, StringComparison.Ordinal);
        }
    }
}
