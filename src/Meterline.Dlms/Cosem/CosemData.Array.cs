using System.Collections.Immutable;

namespace Meterline.Dlms.Cosem;

public abstract partial record CosemData
{
    /// <summary>array (tag 1): SEQUENCE OF Data, elements normally of one type.</summary>
    public sealed record Array(ImmutableArray<CosemData> Items) : CosemData
    {
        public Array(params CosemData[] items)
            : this(ImmutableArray.Create(items))
        {
        }

        public override DataTag Tag => DataTag.Array;

        public bool Equals(Array? other) => other is not null && SequenceEqual(Items, other.Items);

        public override int GetHashCode() => SequenceHash(Items);

        public override string ToString() => $"Array[{string.Join(", ", Items)}]";
    }

    internal static bool SequenceEqual(ImmutableArray<CosemData> left, ImmutableArray<CosemData> right) =>
        left.IsDefaultOrEmpty ? right.IsDefaultOrEmpty : !right.IsDefault && left.AsSpan().SequenceEqual(right.AsSpan());

    internal static int SequenceHash(ImmutableArray<CosemData> items)
    {
        var hash = new HashCode();
        if (!items.IsDefault)
        {
            foreach (var item in items)
            {
                hash.Add(item);
            }
        }

        return hash.ToHashCode();
    }
}
