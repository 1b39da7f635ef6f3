namespace Meterline.Dlms.Acse;

/// <summary>Content equality and hashing for optional byte fields of the ACSE and xDLMS records.</summary>
internal static class OptionalBytes
{
    /// <summary>Null for a null array. (The implicit array conversion would give an empty, present value.)</summary>
    public static ReadOnlyMemory<byte>? From(byte[]? value) => value is null ? null : value;

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
