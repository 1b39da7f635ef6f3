using Meterline.Dlms.Apdus;
using Meterline.Dlms.Associations;
using Meterline.Dlms.Cosem;

namespace Meterline.Benchmarks;

/// <summary>A logical device with a clock readable through every association, for link and association benchmarks.</summary>
internal sealed class BenchCosemServer : ICosemServer
{
    public static readonly CosemAttributeDescriptor Clock = new(8, ObisCode.Clock, 2);
    private static readonly CosemData ClockValue = CosemData.OctetString.FromDateTime(CosemDateTime.FromDateTimeOffset(BenchmarkData.Start));

    public AttributeAccess GetAttributeAccess(AssociationContext association, CosemAttributeDescriptor attribute) =>
        attribute == Clock ? AttributeAccess.Read | AttributeAccess.AuthenticatedRequest | AttributeAccess.EncryptedRequest : AttributeAccess.None;

    public MethodAccess GetMethodAccess(AssociationContext association, CosemMethodDescriptor method) => MethodAccess.None;

    public GetDataResult Get(AssociationContext association, CosemAttributeDescriptor attribute, SelectiveAccessDescriptor? selection) => new(ClockValue);

    public DataAccessResult Set(AssociationContext association, CosemAttributeDescriptor attribute, SelectiveAccessDescriptor? selection, CosemData value) =>
        DataAccessResult.ReadWriteDenied;

    public (ActionResult Result, CosemData? ReturnData) Invoke(AssociationContext association, CosemMethodDescriptor method, CosemData? parameters) =>
        (ActionResult.ReadWriteDenied, null);
}
