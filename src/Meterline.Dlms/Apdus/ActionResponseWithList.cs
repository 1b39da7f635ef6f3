using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Meterline.Dlms.Axdr;
using Meterline.Dlms.Cosem;

namespace Meterline.Dlms.Apdus;

/// <summary>
/// ACTION-Response-With-List (Green Book ed. 8 §9.5, action-response-with-list [3] of Action-Response, tag 0xC7): one
/// outcome per method of an ACTION-Request-With-List, in the same order.
/// </summary>
public sealed record ActionResponseWithList(
    InvokeIdAndPriority InvokeIdAndPriority,
    ImmutableArray<ActionResponseWithOptionalData> ListOfResponses) : Apdu
{
    internal const byte Choice = 3;

    // An Action-Response-With-Optional-Data is at least its result and the usage flag.
    private const int MinimumResponseLength = 2;

    public ImmutableArray<ActionResponseWithOptionalData> ListOfResponses { get; init; } = ListOfResponses.OrEmpty();

    public override byte Tag => ApduTag.ActionResponse;

    public bool Equals(ActionResponseWithList? other) =>
        other is not null
        && InvokeIdAndPriority == other.InvokeIdAndPriority
        && ImmutableArrayEquality.Equal(ListOfResponses, other.ListOfResponses);

    public override int GetHashCode() => HashCode.Combine(InvokeIdAndPriority, ImmutableArrayEquality.Hash(ListOfResponses));

    internal static ActionResponseWithList Read(ref AxdrReader reader)
    {
        ApduFields.ReadHeader(ref reader, ApduTag.ActionResponse, Choice, "Action-Response-With-List");
        var invokeIdAndPriority = InvokeIdAndPriority.Read(ref reader);
        return new ActionResponseWithList(invokeIdAndPriority, ApduFields.ReadList(ref reader, MinimumResponseLength, ActionResponseWithOptionalData.Read));
    }

    internal override void WriteTo(AxdrWriter writer)
    {
        ApduFields.WriteHeader(writer, Tag, Choice);
        InvokeIdAndPriority.Write(writer);
        ApduFields.WriteList(writer, ListOfResponses, static (w, item) => item.Write(w));
    }

    protected override bool PrintMembers(StringBuilder builder)
    {
        base.PrintMembers(builder);
        builder.Append(CultureInfo.InvariantCulture, $", InvokeIdAndPriority = {InvokeIdAndPriority}, ListOfResponses = {ApduText.List(ListOfResponses)}");
        return true;
    }
}
