using System.Collections.Immutable;

namespace Meterline.Dlms.Cosem;

/// <summary>
/// The TypeDescription CHOICE used by compact-array (Green Book): a simple type named by its tag, an array of a
/// fixed number of elements of one type, or a structure of member types.
/// </summary>
public abstract record TypeDescription
{
    private protected TypeDescription()
    {
    }

    /// <summary>A simple type: its values are encoded without their tag.</summary>
    public sealed record Simple(DataTag Type) : TypeDescription
    {
        public override string ToString() => Type.ToString();
    }

    /// <summary>array: <see cref="NumberOfElements"/> values of <see cref="ElementType"/>.</summary>
    public sealed record ArrayOf(ushort NumberOfElements, TypeDescription ElementType) : TypeDescription
    {
        public override string ToString() => $"Array({NumberOfElements}) of {ElementType}";
    }

    /// <summary>structure: one value of each member type, in order.</summary>
    public sealed record StructureOf(ImmutableArray<TypeDescription> MemberTypes) : TypeDescription
    {
        public StructureOf(params TypeDescription[] memberTypes)
            : this(ImmutableArray.Create(memberTypes))
        {
        }

        public bool Equals(StructureOf? other) =>
            other is not null && (MemberTypes.IsDefaultOrEmpty
                ? other.MemberTypes.IsDefaultOrEmpty
                : !other.MemberTypes.IsDefault && MemberTypes.AsSpan().SequenceEqual(other.MemberTypes.AsSpan()));

        public override int GetHashCode()
        {
            var hash = new HashCode();
            if (!MemberTypes.IsDefault)
            {
                foreach (var member in MemberTypes)
                {
                    hash.Add(member);
                }
            }

            return hash.ToHashCode();
        }

        public override string ToString() => $"Structure{{{string.Join(", ", MemberTypes)}}}";
    }
}
