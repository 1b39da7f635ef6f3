using System.Collections.Immutable;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Associations;
using Meterline.Dlms.Cosem;

namespace Meterline.Dlms.Links.Tests;

/// <summary>A small logical device for loopback tests: clock, an energy register, a big load profile, a writable tariff and a relay.</summary>
internal sealed class LoopbackCosemServer : ICosemServer
{
    public static readonly CosemAttributeDescriptor Clock = new(8, ObisCode.Clock, 2);
    public static readonly CosemAttributeDescriptor Energy = new(3, new ObisCode(1, 0, 1, 8, 0, 255), 2);
    public static readonly CosemAttributeDescriptor EnergyScaler = new(3, new ObisCode(1, 0, 1, 8, 0, 255), 3);
    public static readonly CosemAttributeDescriptor LoadProfile = new(7, new ObisCode(1, 0, 99, 1, 0, 255), 2);
    public static readonly CosemAttributeDescriptor Tariff = new(1, new ObisCode(0, 0, 96, 128, 0, 255), 2);
    public static readonly CosemAttributeDescriptor RelayState = new(70, new ObisCode(0, 0, 96, 3, 10, 255), 2);
    public static readonly CosemMethodDescriptor RemoteDisconnect = new(70, new ObisCode(0, 0, 96, 3, 10, 255), 1);

    /// <summary>A day and more of 15-minute entries: far beyond one PDU, so GET goes in datablocks.</summary>
    public static readonly CosemData LoadProfileValue = new CosemData.Array(Enumerable.Range(0, 400).Select(CosemData (i) => new CosemData.Structure(
        CosemData.OctetString.FromDateTime(CosemDateTime.FromDateTimeOffset(new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero).AddMinutes(15 * i))),
        new CosemData.LongUnsigned((ushort)(2300 + (i % 30))),
        new CosemData.DoubleLongUnsigned((uint)(i * 31)))).ToImmutableArray());

    private const AttributeAccess Ciphered = AttributeAccess.AuthenticatedRequest | AttributeAccess.EncryptedRequest;
    private readonly Dictionary<CosemAttributeDescriptor, CosemData> _values = new()
    {
        [Clock] = CosemData.OctetString.FromDateTime(CosemDateTime.FromDateTimeOffset(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero))),
        [Energy] = new CosemData.DoubleLongUnsigned(123_456),
        [EnergyScaler] = new ScalerUnit(0, Unit.WattHour).ToData(),
        [LoadProfile] = LoadProfileValue,
        [Tariff] = new CosemData.OctetString(new byte[1]),
        [RelayState] = new CosemData.Boolean(true),
    };

    public int Disconnects { get; private set; }

    public AttributeAccess GetAttributeAccess(AssociationContext association, CosemAttributeDescriptor attribute)
    {
        if (!_values.ContainsKey(attribute))
        {
            return AttributeAccess.None;
        }

        return association.ClientSap switch
        {
            16 => attribute == Clock ? AttributeAccess.Read : AttributeAccess.None,
            32 => attribute == Tariff ? AttributeAccess.None : AttributeAccess.Read,
            48 => (attribute == Tariff ? AttributeAccess.ReadWrite : AttributeAccess.Read) | Ciphered,
            _ => AttributeAccess.None,
        };
    }

    public MethodAccess GetMethodAccess(AssociationContext association, CosemMethodDescriptor method) =>
        association.ClientSap == 48 && method == RemoteDisconnect
            ? MethodAccess.Access | MethodAccess.AuthenticatedRequest | MethodAccess.EncryptedRequest
            : MethodAccess.None;

    public GetDataResult Get(AssociationContext association, CosemAttributeDescriptor attribute, SelectiveAccessDescriptor? selection) =>
        _values.TryGetValue(attribute, out var value) ? new GetDataResult(value) : new GetDataResult(DataAccessResult.ObjectUndefined);

    public DataAccessResult Set(AssociationContext association, CosemAttributeDescriptor attribute, SelectiveAccessDescriptor? selection, CosemData value)
    {
        _values[attribute] = value;
        return DataAccessResult.Success;
    }

    public (ActionResult Result, CosemData? ReturnData) Invoke(AssociationContext association, CosemMethodDescriptor method, CosemData? parameters)
    {
        Disconnects++;
        _values[RelayState] = new CosemData.Boolean(false);
        return (ActionResult.Success, null);
    }
}
