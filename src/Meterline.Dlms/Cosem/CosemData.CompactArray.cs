using System.Collections.Immutable;

namespace Meterline.Dlms.Cosem;

public abstract partial record CosemData
{
    /// <summary>
    /// compact-array (tag 19): a type description once, then the elements' values without their tags. The
    /// elements are given here as ordinary <see cref="CosemData"/> values that must match
    /// <see cref="ContentsDescription"/>.
    /// </summary>
    public sealed record CompactArray(TypeDescription ContentsDescription, ImmutableArray<CosemData> Elements) : CosemData
    {
        public override DataTag Tag => DataTag.CompactArray;

        public bool Equals(CompactArray? other) =>
            other is not null && ContentsDescription.Equals(other.ContentsDescription) && SequenceEqual(Elements, other.Elements);

        public override int GetHashCode() => HashCode.Combine(ContentsDescription, SequenceHash(Elements));

        public override string ToString() => $"CompactArray<{ContentsDescription}>[{string.Join(", ", Elements)}]";
    }
}
