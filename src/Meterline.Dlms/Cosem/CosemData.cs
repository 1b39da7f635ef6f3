namespace Meterline.Dlms.Cosem;

/// <summary>
/// A value of the COSEM <c>Data</c> CHOICE (Green Book, xDLMS "Data"). A closed hierarchy: each alternative is a
/// nested sealed record named after the standard's alternative (<see cref="Long"/>, <see cref="OctetString"/>,
/// <see cref="Structure"/> …), consumed with <c>switch</c> patterns. Records holding bytes or children compare by
/// content. <see cref="CosemDataCodec"/> reads and writes the A-XDR encoding.
/// </summary>
public abstract partial record CosemData
{
    private protected CosemData()
    {
    }

    /// <summary>The A-XDR tag of this alternative.</summary>
    public abstract DataTag Tag { get; }
}
