namespace Meterline.Meter.Control;

/// <summary>Byte-wise helpers for the octet-string names of calendar tables.</summary>
internal static class OctetNames
{
    /// <summary>Longest name accepted (calendar, season, week profile names).</summary>
    public const int MaxLength = 16;

    public static bool Same(ReadOnlyMemory<byte> left, ReadOnlyMemory<byte> right) => left.Span.SequenceEqual(right.Span);

    public static void Add(ref HashCode hash, ReadOnlyMemory<byte> name) => hash.AddBytes(name.Span);
}
