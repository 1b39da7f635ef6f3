using System.Collections.Immutable;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Associations;
using Meterline.Dlms.Cosem;

namespace Meterline.Dlms.Tests.Associations.Server;

/// <summary>
/// A small object model with access rights per client SAP, recording every call that reaches the data, so a test
/// can assert that a refused request reached nothing.
/// </summary>
internal sealed class TestCosemServer : ICosemServer
{
    public const int PublicSap = 16;
    public const int ReaderSap = 32;
    public const int UtilitySap = 48;

    private const AttributeAccess Protected = AttributeAccess.AuthenticatedRequest | AttributeAccess.EncryptedRequest;

    private readonly Dictionary<CosemAttributeDescriptor, CosemData> _values = [];
    private readonly Dictionary<(int Sap, CosemAttributeDescriptor Attribute), AttributeAccess> _attributeAccess = [];
    private readonly Dictionary<(int Sap, CosemMethodDescriptor Method), MethodAccess> _methodAccess = [];

    public static CosemAttributeDescriptor Clock { get; } = new(8, ObisCode.Clock, 2);

    public static CosemAttributeDescriptor LogicalDeviceName { get; } = new(1, new ObisCode(0, 0, 42, 0, 0, 255), 2);

    /// <summary>Readable by the meter reader only with an authenticated and encrypted request.</summary>
    public static CosemAttributeDescriptor SerialNumber { get; } = new(1, new ObisCode(0, 0, 96, 1, 0, 255), 2);

    /// <summary>A block load profile buffer of 120 entries, far longer than one small PDU.</summary>
    public static CosemAttributeDescriptor LoadProfile { get; } = new(7, new ObisCode(1, 0, 99, 1, 0, 255), 2);

    /// <summary>An octet-string the utility writes, long enough to need SET with block transfer.</summary>
    public static CosemAttributeDescriptor Tariff { get; } = new(1, new ObisCode(0, 0, 96, 128, 0, 255), 2);

    /// <summary>Disconnect control output_state.</summary>
    public static CosemAttributeDescriptor OutputState { get; } = new(70, new ObisCode(0, 0, 96, 3, 10, 255), 2);

    /// <summary>Disconnect control remote_disconnect.</summary>
    public static CosemMethodDescriptor RemoteDisconnect { get; } = new(70, new ObisCode(0, 0, 96, 3, 10, 255), 1);

    public static CosemData LoadProfileValue { get; } = new CosemData.Array(
        Enumerable.Range(0, 120).Select(CosemData (i) => new CosemData.Structure(
            new CosemData.DoubleLongUnsigned((uint)(1_700_000_000 + (i * 900))),
            new CosemData.LongUnsigned((ushort)(2300 + i)),
            new CosemData.DoubleLongUnsigned((uint)(i * 37)))).ToImmutableArray());

    public List<string> Calls { get; } = [];

    /// <summary>The context of every access-right query and call, in order.</summary>
    public List<AssociationContext> Contexts { get; } = [];

    public static TestCosemServer Profile()
    {
        var server = new TestCosemServer();
        server.Attribute(Clock, new CosemData.OctetString(Convert.FromHexString("07E8010102000000FF800000")), (PublicSap, AttributeAccess.Read), (ReaderSap, AttributeAccess.Read), (UtilitySap, AttributeAccess.ReadWrite | Protected));
        server.Attribute(LogicalDeviceName, new CosemData.OctetString("MTR0000000001"u8.ToArray()), (PublicSap, AttributeAccess.Read), (ReaderSap, AttributeAccess.Read), (UtilitySap, AttributeAccess.Read));
        server.Attribute(SerialNumber, new CosemData.VisibleString("SN-42"), (ReaderSap, AttributeAccess.Read | Protected), (UtilitySap, AttributeAccess.Read));
        server.Attribute(LoadProfile, LoadProfileValue, (ReaderSap, AttributeAccess.Read), (UtilitySap, AttributeAccess.Read));
        server.Attribute(Tariff, new CosemData.OctetString(new byte[4]), (ReaderSap, AttributeAccess.Read), (UtilitySap, AttributeAccess.ReadWrite));
        server.Attribute(OutputState, new CosemData.Boolean(true), (PublicSap, AttributeAccess.Read), (ReaderSap, AttributeAccess.Read), (UtilitySap, AttributeAccess.Read));
        server.Method(RemoteDisconnect, (UtilitySap, MethodAccess.Access | MethodAccess.AuthenticatedRequest | MethodAccess.EncryptedRequest));
        return server;
    }

    public void Attribute(CosemAttributeDescriptor attribute, CosemData value, params (int Sap, AttributeAccess Access)[] rights)
    {
        _values[attribute] = value;
        foreach (var (sap, access) in rights)
        {
            _attributeAccess[(sap, attribute)] = access;
        }
    }

    public void Method(CosemMethodDescriptor method, params (int Sap, MethodAccess Access)[] rights)
    {
        foreach (var (sap, access) in rights)
        {
            _methodAccess[(sap, method)] = access;
        }
    }

    public CosemData Value(CosemAttributeDescriptor attribute) => _values[attribute];

    public AttributeAccess GetAttributeAccess(AssociationContext association, CosemAttributeDescriptor attribute)
    {
        Contexts.Add(association);
        return _attributeAccess.GetValueOrDefault((association.ClientSap, attribute));
    }

    public MethodAccess GetMethodAccess(AssociationContext association, CosemMethodDescriptor method)
    {
        Contexts.Add(association);
        return _methodAccess.GetValueOrDefault((association.ClientSap, method));
    }

    public GetDataResult Get(AssociationContext association, CosemAttributeDescriptor attribute, SelectiveAccessDescriptor? selection)
    {
        Contexts.Add(association);
        Calls.Add($"get {attribute}");
        return _values.TryGetValue(attribute, out var value) ? new GetDataResult(value) : new GetDataResult(DataAccessResult.ObjectUndefined);
    }

    public DataAccessResult Set(AssociationContext association, CosemAttributeDescriptor attribute, SelectiveAccessDescriptor? selection, CosemData value)
    {
        Contexts.Add(association);
        Calls.Add($"set {attribute}");
        _values[attribute] = value;
        return DataAccessResult.Success;
    }

    public (ActionResult Result, CosemData? ReturnData) Invoke(AssociationContext association, CosemMethodDescriptor method, CosemData? parameters)
    {
        Contexts.Add(association);
        Calls.Add($"invoke {method}");
        _values[OutputState] = new CosemData.Boolean(false);
        return (ActionResult.Success, null);
    }
}
