using System.Collections.Immutable;

namespace Meterline.Dlms.Cosem;

public abstract partial record CosemData
{
    /// <summary>structure (tag 2): SEQUENCE OF Data whose members may differ in type.</summary>
    public sealed record Structure(ImmutableArray<CosemData> Items) : CosemData
    {
        public Structure(params CosemData[] items)
            : this(ImmutableArray.Create(items))
        {
        }

        public override DataTag Tag => DataTag.Structure;

        public bool Equals(Structure? other) => other is not null && SequenceEqual(Items, other.Items);

        public override int GetHashCode() => SequenceHash(Items);

        public override string ToString() => $"Structure{{{string.Join(", ", Items)}}}";
    }
}
