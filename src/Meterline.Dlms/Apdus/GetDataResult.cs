using Meterline.Dlms.Axdr;
using Meterline.Dlms.Cosem;

namespace Meterline.Dlms.Apdus;

/// <summary>
/// The result of reading one attribute (Green Book ed. 8 §9.5, <c>Get-Data-Result ::= CHOICE { data [0] Data,
/// data-access-result [1] IMPLICIT Data-Access-Result }</c>): either the value (<see cref="Data"/>, with
/// <see cref="Result"/> = success) or the reason it was refused.
/// </summary>
public sealed record GetDataResult
{
    private const byte DataChoice = 0;
    private const byte DataAccessResultChoice = 1;

    /// <summary>The data alternative: the attribute's value.</summary>
    public GetDataResult(CosemData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        Data = data;
        Result = DataAccessResult.Success;
    }

    /// <summary>The data-access-result alternative: normally a refusal.</summary>
    public GetDataResult(DataAccessResult result)
    {
        Result = result;
    }

    /// <summary>The value read, or null for the data-access-result alternative.</summary>
    public CosemData? Data { get; }

    /// <summary><see cref="DataAccessResult.Success"/> for the data alternative, otherwise the result sent.</summary>
    public DataAccessResult Result { get; }

    internal static GetDataResult Read(ref AxdrReader reader)
    {
        var choiceOffset = reader.Position;
        return reader.ReadByte() switch
        {
            DataChoice => new GetDataResult(CosemDataCodec.Read(ref reader)),
            DataAccessResultChoice => new GetDataResult(ApduFields.ReadDataAccessResult(ref reader)),
            var choice => throw reader.ErrorAt(choiceOffset, DlmsErrorReason.UnknownTag, $"Unknown Get-Data-Result choice {choice}"),
        };
    }

    internal void Write(AxdrWriter writer)
    {
        if (Data is not null)
        {
            writer.WriteByte(DataChoice);
            CosemDataCodec.Write(writer, Data);
        }
        else
        {
            writer.WriteByte(DataAccessResultChoice);
            writer.WriteByte((byte)Result);
        }
    }
}
