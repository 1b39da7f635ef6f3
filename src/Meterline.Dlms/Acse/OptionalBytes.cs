namespace Meterline.Dlms.Acse;

/// <summary>
/// Content equality and hashing for optional byte fields of the ACSE and xDLMS records. Beware when filling such a
/// field: a null <c>byte[]</c>, and even a bare <c>null</c> in a conditional expression next to an array, converts
/// implicitly to an empty but present <see cref="ReadOnlyMemory{T}"/>.
/// </summary>
internal static class OptionalBytes
{
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
