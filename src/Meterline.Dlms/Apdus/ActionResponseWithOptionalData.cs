using System.Globalization;
using System.Text;
using Meterline.Dlms.Axdr;

namespace Meterline.Dlms.Apdus;

/// <summary>
/// The outcome of one method invocation (Green Book ed. 8 §9.5, <c>Action-Response-With-Optional-Data ::= SEQUENCE {
/// result Action-Result, return-parameters Get-Data-Result OPTIONAL }</c>). <see cref="ToString"/> shows the type of
/// returned data only: it may be an HLS challenge response.
/// </summary>
public sealed record ActionResponseWithOptionalData(ActionResult Result, GetDataResult? ReturnParameters = null)
{
    internal static ActionResponseWithOptionalData Read(ref AxdrReader reader)
    {
        var result = ApduFields.ReadActionResult(ref reader);
        var returnParameters = ApduFields.ReadPresence(ref reader, "return-parameters") ? GetDataResult.Read(ref reader) : null;
        return new ActionResponseWithOptionalData(result, returnParameters);
    }

    internal void Write(AxdrWriter writer)
    {
        writer.WriteByte((byte)Result);
        ApduFields.WritePresence(writer, ReturnParameters is not null);
        ReturnParameters?.Write(writer);
    }

    private bool PrintMembers(StringBuilder builder)
    {
        var returned = ReturnParameters switch
        {
            null => "null",
            { Data: { } data } => ApduText.Redacted(data),
            { Result: var result } => result.ToString(),
        };
        builder.Append(CultureInfo.InvariantCulture, $"Result = {Result}, ReturnParameters = {returned}");
        return true;
    }
}
