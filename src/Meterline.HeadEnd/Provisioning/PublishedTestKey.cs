using Meterline.HeadEnd.Keys;

namespace Meterline.HeadEnd.Provisioning;

/// <summary>A secret printed in a standard or test suite, which no production meter may use.</summary>
/// <param name="Kind">What it is published as (an AES key, or the LLS password).</param>
/// <param name="Value">The secret's bytes (hex for keys; ASCII for a password).</param>
/// <param name="Source">Where it is published.</param>
public sealed record PublishedTestKey(MeterKeyKind Kind, byte[] Value, string Source)
{
    public bool Equals(PublishedTestKey? other) => other is not null && Kind == other.Kind && Value.AsSpan().SequenceEqual(other.Value) && Source == other.Source;

    public override int GetHashCode() => HashCode.Combine(Kind, Source);

    public override string ToString() => $"published {Kind} key ({Source})";
}
