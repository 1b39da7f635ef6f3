using System.Buffers.Binary;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Keys;

/// <summary>
/// What a wrapped secret belongs to: a meter, a kind of secret and a key generation. Providers authenticate it as the
/// associated data of the wrapping, so a blob copied to another meter, kind or generation does not unwrap.
/// </summary>
public readonly record struct KeyBinding
{
    /// <summary>The length of <see cref="WriteAssociatedData"/>'s output.</summary>
    public const int AssociatedDataLength = 16 + 3 * sizeof(int);

    private static ReadOnlySpan<byte> Label => "Meterline.Key.v1"u8;

    public KeyBinding(MeterId meter, MeterKeyKind kind, int generation)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(meter.Value, 1, nameof(meter));
        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a kind of meter secret.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(generation, 1);
        Meter = meter;
        Kind = kind;
        Generation = generation;
    }

    public MeterId Meter { get; }

    public MeterKeyKind Kind { get; }

    public int Generation { get; }

    /// <summary>"Meterline.Key.v1" ‖ meter ‖ kind ‖ generation, each a 32-bit big-endian integer.</summary>
    public void WriteAssociatedData(Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, AssociatedDataLength, nameof(destination));
        Label.CopyTo(destination);
        BinaryPrimitives.WriteInt32BigEndian(destination[16..], Meter.Value);
        BinaryPrimitives.WriteInt32BigEndian(destination[20..], (int)Kind);
        BinaryPrimitives.WriteInt32BigEndian(destination[24..], Generation);
    }

    public byte[] ToAssociatedData()
    {
        var data = new byte[AssociatedDataLength];
        WriteAssociatedData(data);
        return data;
    }

    public override string ToString() => $"meter {Meter}, {Kind}, generation {Generation}";
}
