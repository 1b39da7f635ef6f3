using Meterline.Dlms.Apdus;

namespace Meterline.Dlms.Links;

/// <summary>The invoke-id of a confirmed-service response, for matching it to its request.</summary>
internal static class InvokeIds
{
    public static bool TryGet(Apdu apdu, out byte invokeId)
    {
        InvokeIdAndPriority? value = apdu switch
        {
            GetResponseNormal r => r.InvokeIdAndPriority,
            GetResponseWithDatablock r => r.InvokeIdAndPriority,
            GetResponseWithList r => r.InvokeIdAndPriority,
            SetResponseNormal r => r.InvokeIdAndPriority,
            SetResponseDatablock r => r.InvokeIdAndPriority,
            SetResponseLastDatablock r => r.InvokeIdAndPriority,
            SetResponseLastDatablockWithList r => r.InvokeIdAndPriority,
            SetResponseWithList r => r.InvokeIdAndPriority,
            ActionResponseNormal r => r.InvokeIdAndPriority,
            ActionResponseWithPBlock r => r.InvokeIdAndPriority,
            ActionResponseWithList r => r.InvokeIdAndPriority,
            ActionResponseNextPBlock r => r.InvokeIdAndPriority,
            _ => null,
        };
        invokeId = value?.InvokeId ?? 0;
        return value is not null;
    }
}
