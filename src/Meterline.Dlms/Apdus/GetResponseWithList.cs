using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Meterline.Dlms.Axdr;
using Meterline.Dlms.Cosem;

namespace Meterline.Dlms.Apdus;

/// <summary>
/// GET-Response-With-List (Green Book ed. 8 §9.5, get-response-with-list [3] of Get-Response, tag 0xC4): one result
/// per attribute of a GET-Request-With-List, in the same order.
/// </summary>
public sealed record GetResponseWithList(InvokeIdAndPriority InvokeIdAndPriority, ImmutableArray<GetDataResult> Result) : Apdu
{
    internal const byte Choice = 3;

    // A Get-Data-Result is its choice byte and at least one byte (a data tag or a Data-Access-Result).
    private const int MinimumResultLength = 2;

    public ImmutableArray<GetDataResult> Result { get; init; } = Result.OrEmpty();

    public override byte Tag => ApduTag.GetResponse;

    public bool Equals(GetResponseWithList? other) =>
        other is not null
        && InvokeIdAndPriority == other.InvokeIdAndPriority
        && ImmutableArrayEquality.Equal(Result, other.Result);

    public override int GetHashCode() => HashCode.Combine(InvokeIdAndPriority, ImmutableArrayEquality.Hash(Result));

    internal static GetResponseWithList Read(ref AxdrReader reader)
    {
        ApduFields.ReadHeader(ref reader, ApduTag.GetResponse, Choice, "Get-Response-With-List");
        var invokeIdAndPriority = InvokeIdAndPriority.Read(ref reader);
        return new GetResponseWithList(invokeIdAndPriority, ApduFields.ReadList(ref reader, MinimumResultLength, GetDataResult.Read));
    }

    internal override void WriteTo(AxdrWriter writer)
    {
        ApduFields.WriteHeader(writer, Tag, Choice);
        InvokeIdAndPriority.Write(writer);
        ApduFields.WriteList(writer, Result, static (w, item) => item.Write(w));
    }

    protected override bool PrintMembers(StringBuilder builder)
    {
        base.PrintMembers(builder);
        builder.Append(CultureInfo.InvariantCulture, $", InvokeIdAndPriority = {InvokeIdAndPriority}, Result = {ApduText.List(Result)}");
        return true;
    }
}
