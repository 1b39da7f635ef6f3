using Meterline.Dlms.Apdus;
using Meterline.Dlms.Associations;
using Meterline.Dlms.Cosem;
using Meterline.Simulator.Hosting;

namespace Meterline.Simulator.Tests.Hosting;

/// <summary>A hosted meter for hosting tests: the public client may read its logical device name (its id).</summary>
internal sealed class TestMeter(string id, int physicalAddress) : IHostedMeter, ICosemServer
{
    public static readonly CosemAttributeDescriptor LogicalDeviceName = new(1, new ObisCode(0, 0, 42, 0, 0, 255), 2);

    private volatile bool _powered = true;

    public string Id { get; } = id;

    public int PhysicalAddress { get; } = physicalAddress;

    public bool Answers
    {
        get => _powered;
        set => _powered = value;
    }

    public ServerAssociation? CreateAssociation(int clientSap) => clientSap == 16
        ? new ServerAssociation(ServerAssociationDefinition.PublicClient(), null, this, new Dlms.Security.InvocationCounterGuard(), new Dlms.Security.OutgoingInvocationCounter(1))
        : null;

    public AttributeAccess GetAttributeAccess(AssociationContext association, CosemAttributeDescriptor attribute) =>
        attribute == LogicalDeviceName ? AttributeAccess.Read : AttributeAccess.None;

    public MethodAccess GetMethodAccess(AssociationContext association, CosemMethodDescriptor method) => MethodAccess.None;

    public GetDataResult Get(AssociationContext association, CosemAttributeDescriptor attribute, SelectiveAccessDescriptor? selection) =>
        new(new CosemData.OctetString(System.Text.Encoding.ASCII.GetBytes(Id)));

    public DataAccessResult Set(AssociationContext association, CosemAttributeDescriptor attribute, SelectiveAccessDescriptor? selection, CosemData value) =>
        DataAccessResult.ReadWriteDenied;

    public (ActionResult Result, CosemData? ReturnData) Invoke(AssociationContext association, CosemMethodDescriptor method, CosemData? parameters) =>
        (ActionResult.ReadWriteDenied, null);
}
