using Meterline.Gateway.Mqtt;

namespace Meterline.Gateway.Tests;

public sealed class PushSpoolTests : IDisposable
{
    private const string A = "4D4C4D0000000001";
    private const string B = "4D4C4D0000000002";
    private readonly string _directory = Directory.CreateTempSubdirectory("meterline-spool-").FullName;

    private string SpoolPath => Path.Combine(_directory, "gateway.spool");

    [Fact]
    public void Append_FlushedThenReopened_PendingInOrderWithTitles()
    {
        byte[] first = [0, 1, 0, 1, 0, 1, 0, 2, 0xDB, 0x08];
        var second = new byte[300];
        second[^1] = 7;
        using (var spool = PushSpool.Open(SpoolPath, 1 << 20, 4096))
        {
            spool.Append(A, first);
            spool.Append(B, second);
            spool.Flush();
            SimulateKill(spool);
        }

        using var reopened = PushSpool.Open(SpoolPath, 1 << 20, 4096);

        Assert.Equal([(A, first), (B, second)], reopened.Pending.Select(p => (p.SystemTitle, p.Frame)).ToList(), new PendingComparer());
        Assert.Equal(0, reopened.TornRecords);
    }

    [Fact]
    public void MarkPublished_Reopened_OnlyTheUnpublishedPending()
    {
        using (var spool = PushSpool.Open(SpoolPath, 1 << 20, 4096))
        {
            var one = spool.Append(A, [1, 2, 3])!;
            spool.Append(A, [4, 5, 6]);
            var three = spool.Append(B, [7, 8, 9])!;
            spool.Flush();
            spool.MarkPublished(one.Sequence);
            spool.MarkPublished(three.Sequence);
            spool.Flush();
            SimulateKill(spool);
        }

        using var reopened = PushSpool.Open(SpoolPath, 1 << 20, 4096);
        var pending = Assert.Single(reopened.Pending);

        Assert.Equal([4, 5, 6], pending.Frame);
        var next = reopened.Append(B, [10])!;
        Assert.True(next.Sequence > pending.Sequence, "sequences go on after the ones read back");
    }

    [Fact]
    public void MarkPublished_Everything_FileCutBackToItsHeaderAndRemovedAtDispose()
    {
        var spool = PushSpool.Open(SpoolPath, 1 << 20, 4096);
        var pushes = Enumerable.Range(0, 10).Select(i => spool.Append(A, new byte[100])!).ToList();
        spool.Flush();
        Assert.True(spool.Length > 1000);

        foreach (var push in pushes)
        {
            spool.MarkPublished(push.Sequence);
        }

        Assert.Equal(PushSpool.HeaderLength, spool.Length);
        spool.Dispose();
        Assert.False(File.Exists(SpoolPath));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(9)]
    [InlineData(50)]
    public void Open_TornLastRecord_SkippedCountedAndTheRestKept(int cut)
    {
        using (var spool = PushSpool.Open(SpoolPath, 1 << 20, 4096))
        {
            spool.Append(A, [1, 2, 3]);
            spool.Append(B, new byte[100]);
            spool.Flush();
            SimulateKill(spool);
        }

        var whole = File.ReadAllBytes(SpoolPath);
        File.WriteAllBytes(SpoolPath, whole[..^cut]);

        using var reopened = PushSpool.Open(SpoolPath, 1 << 20, 4096);

        Assert.Equal([1, 2, 3], Assert.Single(reopened.Pending).Frame);
        Assert.Equal(1, reopened.TornRecords);
        Assert.Equal(100 + 8 + 17 - cut, reopened.DiscardedBytes);
        reopened.Append(B, [9]);
        reopened.Flush();
        SimulateKill(reopened);
        using var again = PushSpool.Open(SpoolPath, 1 << 20, 4096);
        Assert.Equal(2, again.PendingCount);
        Assert.Equal(0, again.TornRecords);
    }

    [Fact]
    public void Open_DamagedRecord_CutThereAndCounted()
    {
        using (var spool = PushSpool.Open(SpoolPath, 1 << 20, 4096))
        {
            spool.Append(A, [1, 2, 3]);
            spool.Append(B, [4, 5, 6]);
            spool.Flush();
            SimulateKill(spool);
        }

        var bytes = File.ReadAllBytes(SpoolPath);
        bytes[^1] ^= 0x40;
        File.WriteAllBytes(SpoolPath, bytes);

        using var reopened = PushSpool.Open(SpoolPath, 1 << 20, 4096);

        Assert.Equal(A, Assert.Single(reopened.Pending).SystemTitle);
        Assert.Equal(1, reopened.TornRecords);
    }

    [Fact]
    public void Open_ForeignOrOlderFile_RefusedAndLeftAlone()
    {
        File.WriteAllBytes(SpoolPath, "not a spool"u8.ToArray());
        Assert.Throws<InvalidDataException>(() => PushSpool.Open(SpoolPath, 1 << 20, 4096));
        Assert.Equal("not a spool"u8.ToArray(), File.ReadAllBytes(SpoolPath));

        File.WriteAllBytes(SpoolPath, "MLGS\u0001"u8.ToArray());
        var older = Assert.Throws<InvalidDataException>(() => PushSpool.Open(SpoolPath, 1 << 20, 4096));
        Assert.Contains("version 1", older.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Append_SpoolFull_CompactsThenRefusesWhatStillDoesNotFit()
    {
        const int bound = 64 * 1024;
        using var spool = PushSpool.Open(SpoolPath, bound, 4096);
        var kept = new List<SpooledPush>();
        while (spool.Append(A, new byte[1000]) is { } push)
        {
            kept.Add(push);
        }

        Assert.True(spool.Length <= bound);
        foreach (var push in kept.Take(kept.Count - 2))
        {
            spool.MarkPublished(push.Sequence);
        }

        Assert.NotNull(spool.Append(B, new byte[1000]));
        Assert.True(spool.Compactions > 0);
        spool.Flush();
        SimulateKill(spool);
        using var reopened = PushSpool.Open(SpoolPath, bound, 4096);
        Assert.Equal(3, reopened.PendingCount);
        Assert.Equal(B, reopened.Pending[^1].SystemTitle);
    }

    [Fact]
    public void Crc32_CheckValue_AsTheStandardGivesIt()
    {
        // The check value of CRC-32 (ISO/IEC 3309, IEEE 802.3) over the nine ASCII digits.
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>Leaves the file as a killed process does: what was flushed stays, nothing is removed.</summary>
    private static void SimulateKill(PushSpool spool) => spool.Abandon();

    private sealed class PendingComparer : IEqualityComparer<(string, byte[])>
    {
        public bool Equals((string, byte[]) x, (string, byte[]) y) => x.Item1 == y.Item1 && x.Item2.AsSpan().SequenceEqual(y.Item2);

        public int GetHashCode((string, byte[]) obj) => obj.Item1.GetHashCode(StringComparison.Ordinal);
    }
}
