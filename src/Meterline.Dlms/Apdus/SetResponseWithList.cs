using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Meterline.Dlms.Axdr;
using Meterline.Dlms.Cosem;

namespace Meterline.Dlms.Apdus;

/// <summary>
/// SET-Response-With-List (Green Book ed. 8 §9.5, set-response-with-list [5] of Set-Response, tag 0xC5): one result
/// per attribute of a SET-Request-With-List, in the same order.
/// </summary>
public sealed record SetResponseWithList(InvokeIdAndPriority InvokeIdAndPriority, ImmutableArray<DataAccessResult> Result) : Apdu
{
    internal const byte Choice = 5;

    public ImmutableArray<DataAccessResult> Result { get; init; } = Result.OrEmpty();

    public override byte Tag => ApduTag.SetResponse;

    public bool Equals(SetResponseWithList? other) =>
        other is not null
        && InvokeIdAndPriority == other.InvokeIdAndPriority
        && ImmutableArrayEquality.Equal(Result, other.Result);

    public override int GetHashCode() => HashCode.Combine(InvokeIdAndPriority, ImmutableArrayEquality.Hash(Result));

    internal static SetResponseWithList Read(ref AxdrReader reader)
    {
        ApduFields.ReadHeader(ref reader, ApduTag.SetResponse, Choice, "Set-Response-With-List");
        var invokeIdAndPriority = InvokeIdAndPriority.Read(ref reader);
        return new SetResponseWithList(invokeIdAndPriority, ApduFields.ReadList(ref reader, 1, ApduFields.ReadDataAccessResult));
    }

    internal override void WriteTo(AxdrWriter writer)
    {
        ApduFields.WriteHeader(writer, Tag, Choice);
        InvokeIdAndPriority.Write(writer);
        ApduFields.WriteList(writer, Result, static (w, item) => w.WriteByte((byte)item));
    }

    protected override bool PrintMembers(StringBuilder builder)
    {
        base.PrintMembers(builder);
        builder.Append(CultureInfo.InvariantCulture, $", InvokeIdAndPriority = {InvokeIdAndPriority}, Result = {ApduText.List(Result)}");
        return true;
    }
}
