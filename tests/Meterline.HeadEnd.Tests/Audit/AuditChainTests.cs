using System.Security.Cryptography;
using System.Text;
using Meterline.HeadEnd.Audit;

namespace Meterline.HeadEnd.Tests.Audit;

public sealed class AuditChainTests
{
    private static readonly DateTimeOffset At = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Encode_Entry_IsTheDocumentedLayout()
    {
        var previous = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

        var encoded = AuditChain.Encode(7, At, "op", "key.rotated", "12", "{}", previous);

        var expected = new List<byte>();
        expected.AddRange(Convert.FromHexString("0000000000000007"));
        expected.AddRange(BitConverter.GetBytes(At.UtcTicks).Reverse());
        foreach (var text in new[] { "op", "key.rotated", "12", "{}" })
        {
            expected.AddRange(BitConverter.GetBytes(Encoding.UTF8.GetByteCount(text)).Reverse());
            expected.AddRange(Encoding.UTF8.GetBytes(text));
        }

        expected.AddRange(previous);
        Assert.Equal(expected.ToArray(), encoded);
        Assert.Equal(SHA256.HashData(encoded), AuditChain.ComputeHash(7, At, "op", "key.rotated", "12", "{}", previous));
    }

    [Fact]
    public void Encode_FieldBoundaries_AreUnambiguous()
    {
        var a = AuditChain.ComputeHash(1, At, "ab", "c", "s", "", AuditChain.Genesis.Span);
        var b = AuditChain.ComputeHash(1, At, "a", "bc", "s", "", AuditChain.Genesis.Span);

        Assert.NotEqual(a, b);
    }

    [Fact]
    public void Next_FirstAndFollowing_ChainFromGenesis()
    {
        var first = AuditChain.Next(null, At, "system", "a", "s", "{}");
        var second = AuditChain.Next(first, At, "system", "b", "s", "{}");

        Assert.Equal(1, first.Sequence);
        Assert.Equal(new byte[32], first.PreviousHash.ToArray());
        Assert.Equal(AuditChain.ComputeHash(first), first.Hash.ToArray());
        Assert.Equal(2, second.Sequence);
        Assert.Equal(first.Hash.ToArray(), second.PreviousHash.ToArray());
    }

    [Fact]
    public void ComputeHash_LoneSurrogateOrOversizedField_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => AuditChain.ComputeHash(1, At, "a\uD800", "x", "s", "", AuditChain.Genesis.Span));
        Assert.Throws<ArgumentOutOfRangeException>(() => AuditChain.ComputeHash(1, At, new string('a', 257), "x", "s", "", AuditChain.Genesis.Span));
        Assert.Throws<ArgumentOutOfRangeException>(() => AuditChain.ComputeHash(1, At, "a", "x", "s", new string('d', 65537), AuditChain.Genesis.Span));
        Assert.Throws<ArgumentException>(() => AuditChain.ComputeHash(1, At, "a", "x", "s", "", new byte[31]));
    }
}
