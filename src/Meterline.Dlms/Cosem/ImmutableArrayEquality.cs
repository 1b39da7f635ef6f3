using System.Collections.Immutable;

namespace Meterline.Dlms.Cosem;

/// <summary>
/// Content equality for the <see cref="ImmutableArray{T}"/> members of records (whose own equality compares the
/// underlying array by reference). A default array equals an empty one.
/// </summary>
internal static class ImmutableArrayEquality
{
    public static bool Equal<T>(ImmutableArray<T> left, ImmutableArray<T> right) =>
        left.IsDefaultOrEmpty
            ? right.IsDefaultOrEmpty
            : !right.IsDefault && left.AsSpan().SequenceEqual(right.AsSpan(), EqualityComparer<T>.Default);

    public static int Hash<T>(ImmutableArray<T> items)
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

    /// <summary>The array, or an empty one for a default array.</summary>
    public static ImmutableArray<T> OrEmpty<T>(this ImmutableArray<T> items) => items.IsDefault ? [] : items;
}
