namespace Meterline.Dlms.Acse;

/// <summary>Content equality and hashing for optional byte fields of the ACSE and xDLMS records.</summary>
internal static class OptionalBytes
{
    /// <summary>
    /// Null for a null array. Beware: the implicit array conversion turns a null array, and even a bare
    /// <c>null</c> in a conditional expression next to a <see cref="ReadOnlyMemory{T}"/>, into an empty but
    /// present value.
    /// </summary>
    public static ReadOnlyMemory<byte>? From(byte[]? value) => value is null ? default(ReadOnlyMemory<byte>?) : value;

    public static bool ContentEquals(ReadOnlyMemory<byte>? left, ReadOnlyMemory<byte>? right) =>
        left is { } l ? right is { } r && l.Span.SequenceEqual(r.Span) : right is null;

    public static void AddTo(ref HashCode hash, ReadOnlyMemory<byte>? value)
    {
        hash.Add(value.HasValue);
        if (value is { } v)
        {
            hash.AddBytes(v.Span);
        }
    }
}
