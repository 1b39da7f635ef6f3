using System.Globalization;
using System.Text;
using Meterline.Dlms.Axdr;
using Meterline.Dlms.Cosem;

namespace Meterline.Dlms.Apdus;

/// <summary>
/// ACTION-Request-Normal (Green Book ed. 8 §9.5, action-request-normal [1] of Action-Request, tag 0xC3): invokes one
/// method, with optional parameters. <see cref="ToString"/> shows the parameters' type only: they may be a challenge
/// response or a new secret.
/// </summary>
public sealed record ActionRequestNormal(
    InvokeIdAndPriority InvokeIdAndPriority,
    CosemMethodDescriptor CosemMethodDescriptor,
    CosemData? MethodInvocationParameters = null) : Apdu
{
    internal const byte Choice = 1;

    public override byte Tag => ApduTag.ActionRequest;

    internal static ActionRequestNormal Read(ref AxdrReader reader)
    {
        ApduFields.ReadHeader(ref reader, ApduTag.ActionRequest, Choice, "Action-Request-Normal");
        var invokeIdAndPriority = InvokeIdAndPriority.Read(ref reader);
        var descriptor = CosemMethodDescriptor.Read(ref reader);
        return new ActionRequestNormal(invokeIdAndPriority, descriptor, ApduFields.ReadOptionalData(ref reader, "method-invocation-parameters"));
    }

    internal override void WriteTo(AxdrWriter writer)
    {
        ApduFields.WriteHeader(writer, Tag, Choice);
        InvokeIdAndPriority.Write(writer);
        CosemMethodDescriptor.Write(writer);
        ApduFields.WriteOptionalData(writer, MethodInvocationParameters);
    }

    protected override bool PrintMembers(StringBuilder builder)
    {
        base.PrintMembers(builder);
        builder.Append(
            CultureInfo.InvariantCulture,
            $", InvokeIdAndPriority = {InvokeIdAndPriority}, CosemMethodDescriptor = {CosemMethodDescriptor}, MethodInvocationParameters = {ApduText.Redacted(MethodInvocationParameters)}");
        return true;
    }
}
