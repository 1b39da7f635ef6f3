using Meterline.Dlms.Security;

namespace Meterline.Dlms.Tests.Security;

public class InvocationCounterPersistenceTests
{
    private static readonly SystemTitle Client = SystemTitle.Parse("4D4D4D0000000001");

    [Fact]
    public void TryAllocate_WithStore_ReservesABlockBeforeTheFirstValue()
    {
        var store = new RecordingStore();
        var counter = new OutgoingInvocationCounter(0, store, reservationBlock: 100);

        Assert.True(counter.TryAllocate(out var first));

        Assert.Equal(0u, first);
        Assert.Equal([100u], store.Marks);
    }

    [Fact]
    public void TryAllocate_AcrossBlocks_EveryValueIsBelowARecordedMark()
    {
        var store = new RecordingStore();
        var counter = new OutgoingInvocationCounter(0, store, reservationBlock: 10);

        for (var i = 0; i < 35; i++)
        {
            var value = counter.Allocate();
            Assert.True(value < store.Marks[^1]);
        }

        Assert.Equal([10u, 20u, 30u, 40u], store.Marks);
    }

    [Fact]
    public void Restart_FromTheLastMark_NeverRepeatsAValue()
    {
        var store = new RecordingStore();
        var before = new OutgoingInvocationCounter(0, store, reservationBlock: 10);
        var used = Enumerable.Range(0, 13).Select(_ => before.Allocate()).ToHashSet();

        // A crash: only the store survives.
        var after = new OutgoingInvocationCounter(store.Marks[^1], store, reservationBlock: 10);
        var next = after.Allocate();

        Assert.DoesNotContain(next, used);
        Assert.True(next > used.Max());
    }

    [Fact]
    public void TryAllocate_StoreFails_HandsOutNothing()
    {
        var store = new RecordingStore { Fail = true };
        var counter = new OutgoingInvocationCounter(5, store);

        Assert.False(counter.TryAllocate(out _));
        Assert.Equal(5u, counter.Next);
        Assert.Equal(1, counter.ReservationFailures);
        var error = Assert.Throws<DlmsSecurityException>(() => counter.Allocate());
        Assert.Equal(DlmsErrorReason.InvocationCounterUnavailable, error.Reason);

        store.Fail = false;
        Assert.Equal(5u, counter.Allocate());
    }

    [Fact]
    public void TryAccept_WithJournal_RecordsBeforeAccepting()
    {
        var journal = new RecordingJournal();
        var guard = new InvocationCounterGuard(journal);

        Assert.True(guard.TryAccept(Client, KeyId.GlobalUnicastEncryptionKey, 7));
        Assert.False(guard.TryAccept(Client, KeyId.GlobalUnicastEncryptionKey, 7));

        Assert.Equal([new InvocationCounterRecord(Client, KeyId.GlobalUnicastEncryptionKey, 7)], journal.Records);
    }

    [Fact]
    public void TryAccept_JournalFails_RefusesAndRemembersNothing()
    {
        var journal = new RecordingJournal { Fail = true };
        var guard = new InvocationCounterGuard(journal);

        Assert.False(guard.TryAccept(Client, KeyId.GlobalUnicastEncryptionKey, 7));
        Assert.False(guard.TryGetLastAccepted(Client, KeyId.GlobalUnicastEncryptionKey, out _));
        Assert.Equal(1, guard.JournalFailures);
    }

    private sealed class RecordingStore : IInvocationCounterStore
    {
        public List<uint> Marks { get; } = [];

        public bool Fail { get; set; }

        public bool TryReserve(uint mark)
        {
            if (Fail)
            {
                return false;
            }

            Marks.Add(mark);
            return true;
        }
    }

    private sealed class RecordingJournal : IInvocationCounterJournal
    {
        public List<InvocationCounterRecord> Records { get; } = [];

        public bool Fail { get; set; }

        public bool TryRecord(InvocationCounterRecord record)
        {
            if (Fail)
            {
                return false;
            }

            Records.Add(record);
            return true;
        }
    }
}
