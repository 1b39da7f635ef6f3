using System.Collections.Immutable;
using Meterline.Dlms.Security;
using Meterline.Meter.Security;
using Meterline.Meter.State;

namespace Meterline.Meter.Tests.State;

public sealed class FileMeterStateStoreTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "meterline-state-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void TrySave_ThenLoad_RoundTrips()
    {
        var store = new FileMeterStateStore(_directory);
        var state = new MeterState
        {
            OutgoingCounterMark = 4000,
            ClientCounters = [new InvocationCounterRecord(SystemTitle.Parse("4D4D4D0000000001"), KeyId.GlobalUnicastEncryptionKey, 77)],
            TransactionIds = [new TransactionIdRecord(SystemTitle.Parse("4845530000000001"), 0x0000_0002_0000_0401UL)],
            Keys = new MeterKeyMaterial(new byte[16], default, Enumerable.Repeat((byte)1, 16).ToArray(), Enumerable.Repeat((byte)2, 16).ToArray(), "secret"u8.ToArray(), HesPoint()),
            Registers = ImmutableDictionary<string, ulong>.Empty.Add("import", 123456789012),
        };

        Assert.True(store.TrySave("MTR-0001", state));

        Assert.Equal(state, new FileMeterStateStore(_directory).Load("MTR-0001"));
    }

    [Fact]
    public void Load_StateSavedBeforeSignedCommands_ReadsWithoutTransactionIdsOrHesKey()
    {
        var store = new FileMeterStateStore(_directory);
        File.WriteAllText(Path.Combine(_directory, "old.state.json"),
            "{\"outgoingCounterMark\":5,\"clientCounters\":[],\"keys\":{\"encryptionKey\":\"\",\"broadcastKey\":\"\",\"authenticationKey\":\"\",\"masterKey\":\"\",\"llsSecret\":\"\"},\"registers\":{}}");

        var state = store.Load("old")!;

        Assert.Empty(state.TransactionIds);
        Assert.True(state.Keys!.HesPublicKey.IsEmpty);
    }

    [Fact]
    public void Persistence_AcceptedTransactionId_SurvivesRestart()
    {
        var store = new FileMeterStateStore(_directory, flushToDisk: false);
        var hes = SystemTitle.Parse("4845530000000001");
        var guard = new TransactionIdGuard(new MeterStatePersistence(store, "m5"));
        Assert.True(guard.TryAccept(hes, [0, 0, 0, 1, 0, 0, 0, 7]));

        var restarted = new MeterStatePersistence(store, "m5");
        var after = new TransactionIdGuard(restarted);
        after.Import(restarted.State.TransactionIds);

        Assert.False(after.TryAccept(hes, [0, 0, 0, 1, 0, 0, 0, 7]));
        Assert.True(after.TryAccept(hes, [0, 0, 0, 1, 0, 0, 0, 8]));
    }

    [Fact]
    public void Load_NeverSaved_IsNull() => Assert.Null(new FileMeterStateStore(_directory).Load("nobody"));

    [Fact]
    public void Load_CorruptFile_ThrowsInvalidData()
    {
        var store = new FileMeterStateStore(_directory);
        File.WriteAllText(Path.Combine(_directory, "m1.state.json"), "{\"outgoingCounterMark\": \"x\"");
        Assert.Throws<InvalidDataException>(() => store.Load("m1"));
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/b")]
    [InlineData("")]
    public void TrySave_UnsafeMeterId_Throws(string id) =>
        Assert.ThrowsAny<ArgumentException>(() => new FileMeterStateStore(_directory).TrySave(id, new MeterState()));

    [Fact]
    public void TrySave_FileHoldsKeys_IsOwnerOnly()
    {
        var store = new FileMeterStateStore(_directory);
        Assert.True(store.TrySave("m2", new MeterState()));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_directory, "m2.state.json")));
        }
    }

    [Fact]
    public void Persistence_CounterAfterRestart_NeverRepeats()
    {
        var store = new FileMeterStateStore(_directory, flushToDisk: false);
        var first = new MeterStatePersistence(store, "m3");
        Assert.True(first.IsNew);
        var counter = new OutgoingInvocationCounter(first.State.OutgoingCounterMark, first, reservationBlock: 50);
        var used = Enumerable.Range(0, 120).Select(_ => counter.Allocate()).ToList();

        var second = new MeterStatePersistence(store, "m3");
        var restarted = new OutgoingInvocationCounter(second.State.OutgoingCounterMark, second, reservationBlock: 50);

        Assert.False(second.IsNew);
        Assert.True(restarted.Allocate() > used.Max());
    }

    [Fact]
    public void Persistence_AcceptedClientCounter_SurvivesRestart()
    {
        var store = new FileMeterStateStore(_directory, flushToDisk: false);
        var client = SystemTitle.Parse("4D4D4D0000000009");
        var guard = new InvocationCounterGuard(new MeterStatePersistence(store, "m4"));
        Assert.True(guard.TryAccept(client, KeyId.GlobalUnicastEncryptionKey, 10));
        Assert.True(guard.TryAccept(client, KeyId.GlobalUnicastEncryptionKey, 11));

        var restarted = new MeterStatePersistence(store, "m4");
        var after = new InvocationCounterGuard(restarted);
        after.Import(restarted.State.ClientCounters);

        Assert.False(after.TryAccept(client, KeyId.GlobalUnicastEncryptionKey, 11));
        Assert.Single(restarted.State.ClientCounters);
    }

    private static byte[] HesPoint()
    {
        using var key = EcdsaP256.GenerateKeyPair();
        return [0x04, .. EcdsaP256.ExportPublicKey(key)];
    }
}
