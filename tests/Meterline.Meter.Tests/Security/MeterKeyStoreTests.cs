using Meterline.Dlms.Security;
using Meterline.Meter.Security;

namespace Meterline.Meter.Tests.Security;

public sealed class MeterKeyStoreTests
{
    [Fact]
    public void HasKeys_Empty_False()
    {
        Assert.False(new MeterKeyStore().HasKeys);
    }

    [Fact]
    public void Install_ThreeKeys_HasKeysAndRaisesOneEventEach()
    {
        var store = new MeterKeyStore();
        var changed = new List<MeterKeyId>();
        store.KeysChanged += (_, e) => changed.Add(e.KeyId);
        var ek = CipherKey.Generate();
        var ak = CipherKey.Generate();
        var kek = CipherKey.Generate();

        store.Install(ek, ak, kek);

        Assert.True(store.HasKeys);
        Assert.Equal([MeterKeyId.GlobalUnicastEncryptionKey, MeterKeyId.AuthenticationKey, MeterKeyId.MasterKey], changed);
        Assert.True(store.Matches(MeterKeyId.GlobalUnicastEncryptionKey, ek));
        Assert.True(store.Matches(MeterKeyId.AuthenticationKey, ak));
        Assert.True(store.Matches(MeterKeyId.MasterKey, kek));
        Assert.False(store.Matches(MeterKeyId.MasterKey, ek));
    }

    [Fact]
    public void Install_SameKeysAgain_NoEvent()
    {
        var store = new MeterKeyStore();
        var ek = CipherKey.Generate();
        var ak = CipherKey.Generate();
        var kek = CipherKey.Generate();
        store.Install(ek, ak, kek);
        var changed = 0;
        store.KeysChanged += (_, _) => changed++;

        store.Install(CipherKey.FromBytes(Bytes(ek)), ak, kek);

        Assert.Equal(0, changed);
    }

    [Fact]
    public void Erase_AfterInstall_DropsEveryKeyButKeepsLls()
    {
        var lls = LlsPassword.FromBytes("12345678"u8);
        var store = new MeterKeyStore(lls);
        store.Install(CipherKey.Generate(), CipherKey.Generate(), CipherKey.Generate());
        store.SetGlobalBroadcastEncryptionKey(CipherKey.Generate());
        var erased = new List<(MeterKeyId, bool)>();
        store.KeysChanged += (_, e) => erased.Add((e.KeyId, e.Erased));

        store.Erase();

        Assert.False(store.HasKeys);
        Assert.Null(store.GlobalUnicastEncryptionKey);
        Assert.Null(store.AuthenticationKey);
        Assert.Null(store.MasterKey);
        Assert.Null(store.GlobalBroadcastEncryptionKey);
        Assert.Same(lls, store.LlsSecret);
        Assert.Equal(4, erased.Count);
        Assert.All(erased, e => Assert.True(e.Item2));
        var snapshot = store.Snapshot();
        Assert.True(snapshot.MasterKey.IsEmpty);
        Assert.True(snapshot.GlobalUnicastEncryptionKey.IsEmpty);
        Assert.False(snapshot.LlsSecret.IsEmpty);
    }

    [Fact]
    public void Install_AfterErase_HasKeysAgain()
    {
        var store = new MeterKeyStore();
        store.Install(CipherKey.Generate(), CipherKey.Generate(), CipherKey.Generate());
        store.Erase();
        store.Install(CipherKey.Generate(), CipherKey.Generate(), CipherKey.Generate());
        Assert.True(store.HasKeys);
    }

    [Fact]
    public void SnapshotRestore_RoundTrip_SameKeysWithoutEvents()
    {
        var store = new MeterKeyStore(LlsPassword.FromBytes("abcdefgh"u8));
        var ek = CipherKey.Generate();
        store.Install(ek, CipherKey.Generate(), CipherKey.Generate());
        var snapshot = store.Snapshot();

        var restored = new MeterKeyStore();
        var events = 0;
        restored.KeysChanged += (_, _) => events++;
        restored.Restore(snapshot);

        Assert.True(restored.HasKeys);
        Assert.True(restored.Matches(MeterKeyId.GlobalUnicastEncryptionKey, ek));
        Assert.Null(restored.GlobalBroadcastEncryptionKey);
        Assert.True(restored.LlsSecret!.Verify("abcdefgh"u8));
        Assert.Equal(snapshot, restored.Snapshot());
        Assert.Equal(0, events);
    }

    [Fact]
    public void Restore_BadKeyLength_ThrowsAndKeepsKeys()
    {
        var store = new MeterKeyStore();
        store.Install(CipherKey.Generate(), CipherKey.Generate(), CipherKey.Generate());
        var bad = MeterKeyMaterial.Empty with { MasterKey = new byte[15] };
        Assert.Throws<ArgumentException>(() => store.Restore(bad));
        Assert.True(store.HasKeys);
    }

    [Fact]
    public void TrySetHesPublicKey_ValidPoint_StoredOnceWithOneEventAndKeptByErase()
    {
        using var hes = EcdsaP256.GenerateKeyPair();
        byte[] point = [0x04, .. EcdsaP256.ExportPublicKey(hes)];
        var store = new MeterKeyStore();
        store.Install(CipherKey.Generate(), CipherKey.Generate(), CipherKey.Generate());
        var changed = new List<MeterKeyId>();
        store.KeysChanged += (_, e) => changed.Add(e.KeyId);

        Assert.True(store.TrySetHesPublicKey(point));
        Assert.True(store.TrySetHesPublicKey(point));
        store.Erase();

        Assert.Equal(point, store.HesPublicKey!.Value.ToArray());
        Assert.NotNull(store.HesVerificationKey);
        Assert.Equal(1, changed.Count(id => id == MeterKeyId.HesPublicKey));
        Assert.False(store.HasKeys);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(66)]
    public void TrySetHesPublicKey_NotAPointOnTheCurve_RefusedAndNothingChanges(int length)
    {
        var store = new MeterKeyStore();
        var bytes = new byte[length];
        if (length > 0)
        {
            bytes[0] = 0x04;
        }

        Assert.False(store.TrySetHesPublicKey(bytes));
        Assert.Null(store.HesPublicKey);
        Assert.Null(store.HesVerificationKey);
        Assert.False(MeterKeyStore.IsValidHesPublicKey(bytes));
    }

    [Fact]
    public void SnapshotRestore_WithHesPublicKey_RoundTripsWithoutEvents()
    {
        using var hes = EcdsaP256.GenerateKeyPair();
        byte[] point = [0x04, .. EcdsaP256.ExportPublicKey(hes)];
        var store = new MeterKeyStore();
        store.TrySetHesPublicKey(point);
        var restored = new MeterKeyStore();
        var events = 0;
        restored.KeysChanged += (_, _) => events++;

        restored.Restore(store.Snapshot());

        Assert.Equal(point, restored.HesPublicKey!.Value.ToArray());
        Assert.Equal(store.Snapshot(), restored.Snapshot());
        Assert.Equal(0, events);
        Assert.Throws<ArgumentException>(() => restored.Restore(MeterKeyMaterial.Empty with { HesPublicKey = new byte[65] }));
        Assert.True(new MeterKeyStore().Snapshot().HesPublicKey.IsEmpty);
    }

    [Fact]
    public void MeterKeyMaterial_ToString_NeverShowsKeyBytes()
    {
        var key = CipherKey.FromBytes(Convert.FromHexString("00112233445566778899AABBCCDDEEFF"));
        var store = new MeterKeyStore(LlsPassword.FromBytes("secretpw"u8));
        store.Install(key, key, key);
        var text = store.Snapshot().ToString();
        Assert.DoesNotContain("00112233", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secretpw", text, StringComparison.Ordinal);
        Assert.Contains("redacted", text, StringComparison.Ordinal);
    }

    [Fact]
    public void MeterKeyMaterial_Equals_ComparesContent()
    {
        var a = MeterKeyMaterial.Empty with { MasterKey = new byte[16] };
        var b = MeterKeyMaterial.Empty with { MasterKey = new byte[16] };
        var c = MeterKeyMaterial.Empty with { MasterKey = Enumerable.Repeat((byte)1, 16).ToArray() };
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    private static byte[] Bytes(CipherKey key)
    {
        var bytes = new byte[CipherKey.Length];
        key.CopyTo(bytes);
        return bytes;
    }
}
