using Meterline.Dlms.Security;

namespace Meterline.Dlms.Tests.Security;

public sealed class TransactionIdGuardTests
{
    private static readonly SystemTitle HeadEnd = SystemTitle.Parse("4845530000000001");
    private static readonly SystemTitle Other = SystemTitle.Parse("4845530000000002");

    [Theory]
    [InlineData("01", 1UL)]
    [InlineData("0102", 0x0102UL)]
    [InlineData("0000000100000401", 0x0000_0001_0000_0401UL)]
    [InlineData("FFFFFFFFFFFFFFFF", ulong.MaxValue)]
    public void TryRead_OneToEightOctets_BigEndianValue(string hex, ulong expected)
    {
        Assert.True(TransactionIdGuard.TryRead(Convert.FromHexString(hex), out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("000000000000000001")]
    public void TryRead_EmptyOrLongerThanEight_False(string hex) =>
        Assert.False(TransactionIdGuard.TryRead(Convert.FromHexString(hex), out _));

    [Fact]
    public void TryAccept_StrictlyIncreasingPerOriginator_OnlyFreshOnesAccepted()
    {
        var guard = new TransactionIdGuard();

        Assert.True(guard.TryAccept(HeadEnd, [0x10]));
        Assert.False(guard.IsFresh(HeadEnd, [0x10]));
        Assert.False(guard.TryAccept(HeadEnd, [0x10]));
        Assert.False(guard.TryAccept(HeadEnd, [0x00, 0x0F]));
        Assert.True(guard.TryAccept(Other, [0x01]));
        Assert.True(guard.TryAccept(HeadEnd, [0x00, 0x11]));
        Assert.False(guard.TryAccept(HeadEnd, []));

        Assert.True(guard.TryGetLastAccepted(HeadEnd, out var last));
        Assert.Equal(0x11UL, last);
    }

    [Fact]
    public void TryAccept_JournalRefuses_NotAcceptedAndCounted()
    {
        var journal = new Journal { Accepts = false };
        var guard = new TransactionIdGuard(journal);

        Assert.False(guard.TryAccept(HeadEnd, [0x01]));
        Assert.True(guard.IsFresh(HeadEnd, [0x01]));
        Assert.Equal(1, guard.JournalFailures);

        journal.Accepts = true;
        Assert.True(guard.TryAccept(HeadEnd, [0x01]));
        Assert.Equal([new TransactionIdRecord(HeadEnd, 1)], journal.Records);
    }

    [Fact]
    public void Import_KeepsTheGreaterMarkAndExportReturnsThem()
    {
        var guard = new TransactionIdGuard();
        guard.TryAccept(HeadEnd, [0x20]);

        guard.Import([new TransactionIdRecord(HeadEnd, 0x10), new TransactionIdRecord(Other, 0x30)]);

        Assert.Equal(
            [new TransactionIdRecord(HeadEnd, 0x20), new TransactionIdRecord(Other, 0x30)],
            guard.Export().OrderBy(r => r.Originator.ToString(), StringComparer.Ordinal));
    }

    [Fact]
    public void Clear_ForgetsEveryOriginator()
    {
        var guard = new TransactionIdGuard();
        guard.TryAccept(HeadEnd, [0x20]);

        guard.Clear();

        Assert.True(guard.TryAccept(HeadEnd, [0x01]));
    }

    private sealed class Journal : ITransactionIdJournal
    {
        public bool Accepts { get; set; } = true;

        public List<TransactionIdRecord> Records { get; } = [];

        public bool TryRecord(TransactionIdRecord record)
        {
            if (Accepts)
            {
                Records.Add(record);
            }

            return Accepts;
        }
    }
}
