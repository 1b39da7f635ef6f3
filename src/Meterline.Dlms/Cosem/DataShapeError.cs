using System.Collections.Immutable;

namespace Meterline.Dlms.Cosem;

/// <summary>
/// Why a <see cref="CosemData"/> value does not have the shape a descriptor needs, and where: <see cref="Path"/>
/// holds the child indices from the root value to the offending element. <see cref="ToException"/> turns the path
/// into the byte offset that element has in the A-XDR encoding of the root, so the error reads like one found while
/// decoding. Only the failure path pays for computing it.
/// </summary>
internal readonly record struct DataShapeError(string Message, ImmutableArray<int> Path)
{
    public static DataShapeError At(string message) => new(message, []);

    /// <summary>The same error, seen from the parent that holds the failing element at <paramref name="index"/>.</summary>
    public DataShapeError Within(int index) => this with { Path = Path.OrEmpty().Insert(0, index) };

    /// <param name="root">The value that was converted.</param>
    /// <param name="baseOffset">Bytes before <paramref name="root"/> in the encoding the offset counts in (1 for the
    /// access-selector in front of access-parameters).</param>
    public DlmsFormatException ToException(CosemData root, int baseOffset = 0) =>
        new(DlmsErrorReason.Malformed, baseOffset + OffsetOf(root, Path.OrEmpty()), Message);

    private static int OffsetOf(CosemData value, ImmutableArray<int> path)
    {
        var offset = 0;
        foreach (var index in path)
        {
            var items = value switch
            {
                CosemData.Structure s => s.Items.OrEmpty(),
                CosemData.Array a => a.Items.OrEmpty(),
                _ => ImmutableArray<CosemData>.Empty,
            };
            if (index >= items.Length)
            {
                break;
            }

            offset += 1 + Axdr.AxdrWriter.GetLengthSize(items.Length);
            for (var i = 0; i < index; i++)
            {
                offset += CosemDataCodec.Encode(items[i]).Length;
            }

            value = items[index];
        }

        return offset;
    }
}
