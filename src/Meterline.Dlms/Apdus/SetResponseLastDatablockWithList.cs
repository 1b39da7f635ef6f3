using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Meterline.Dlms.Axdr;
using Meterline.Dlms.Cosem;

namespace Meterline.Dlms.Apdus;

/// <summary>
/// SET-Response-Last-Datablock-With-List (Green Book ed. 8 §9.5, set-response-last-datablock-with-list [4] of
/// Set-Response, tag 0xC5): one result per attribute of a long SET with list, after its last block.
/// </summary>
public sealed record SetResponseLastDatablockWithList(
    InvokeIdAndPriority InvokeIdAndPriority,
    ImmutableArray<DataAccessResult> Result,
    uint BlockNumber) : Apdu
{
    internal const byte Choice = 4;

    public ImmutableArray<DataAccessResult> Result { get; init; } = Result.OrEmpty();

    public override byte Tag => ApduTag.SetResponse;

    public bool Equals(SetResponseLastDatablockWithList? other) =>
        other is not null
        && InvokeIdAndPriority == other.InvokeIdAndPriority
        && ImmutableArrayEquality.Equal(Result, other.Result)
        && BlockNumber == other.BlockNumber;

    public override int GetHashCode() => HashCode.Combine(InvokeIdAndPriority, ImmutableArrayEquality.Hash(Result), BlockNumber);

    internal static SetResponseLastDatablockWithList Read(ref AxdrReader reader)
    {
        ApduFields.ReadHeader(ref reader, ApduTag.SetResponse, Choice, "Set-Response-Last-Datablock-With-List");
        var invokeIdAndPriority = InvokeIdAndPriority.Read(ref reader);
        var results = ApduFields.ReadList(ref reader, 1, ApduFields.ReadDataAccessResult);
        return new SetResponseLastDatablockWithList(invokeIdAndPriority, results, reader.ReadUInt32());
    }

    internal override void WriteTo(AxdrWriter writer)
    {
        ApduFields.WriteHeader(writer, Tag, Choice);
        InvokeIdAndPriority.Write(writer);
        ApduFields.WriteList(writer, Result, static (w, item) => w.WriteByte((byte)item));
        writer.WriteUInt32(BlockNumber);
    }

    protected override bool PrintMembers(StringBuilder builder)
    {
        base.PrintMembers(builder);
        builder.Append(CultureInfo.InvariantCulture, $", InvokeIdAndPriority = {InvokeIdAndPriority}, Result = {ApduText.List(Result)}, BlockNumber = {BlockNumber}");
        return true;
    }
}
