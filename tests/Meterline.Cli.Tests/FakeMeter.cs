using System.Collections.Immutable;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Associations;
using Meterline.Dlms.Cosem;

namespace Meterline.Cli.Tests;

/// <summary>
/// A small meter for the CLI tests: voltage and energy registers with scaler and unit, a block load profile that
/// honours entry and range selective access, the object list, and the disconnect control.
/// </summary>
internal sealed class FakeMeter : ICosemServer
{
    public static readonly ObisCode Voltage = new(1, 0, 12, 7, 0, 255);
    public static readonly ObisCode Energy = new(1, 0, 1, 8, 0, 255);
    public static readonly ObisCode LoadProfile = new(1, 0, 99, 1, 0, 255);
    public static readonly ObisCode Disconnect = new(0, 0, 96, 3, 10, 255);
    public static readonly ObisCode UtilityInvocationCounter = new(0, 0, 43, 1, 3, 255);

    /// <summary>The last invocation counter the meter accepted from the utility client.</summary>
    public uint LastUtilityCounter { get; set; } = 100;
    public static readonly DateTimeOffset Start = new(2026, 11, 22, 0, 0, 0, new TimeSpan(5, 30, 0));

    private readonly ImmutableArray<CosemData> _profile = Enumerable.Range(0, 96).Select(CosemData (i) => new CosemData.Structure(
        CosemData.OctetString.FromDateTime(CosemDateTime.FromDateTimeOffset(Start.AddMinutes(15 * i), ClockStatus.Ok, DeviationConvention.LocalMinusUtc)),
        new CosemData.LongUnsigned((ushort)(23000 + i)),
        new CosemData.DoubleLongUnsigned((uint)(100 + i)))).ToImmutableArray();

    private bool _connected = true;

    public static (ushort ClassId, ObisCode Name)[] Objects =>
        [(8, ObisCode.Clock), (15, ObisCode.CurrentAssociation), (3, Voltage), (3, Energy), (7, LoadProfile), (70, Disconnect), (1, UtilityInvocationCounter)];

    public AttributeAccess GetAttributeAccess(AssociationContext association, CosemAttributeDescriptor attribute) =>
        Objects.Any(o => o.ClassId == attribute.ClassId && o.Name == attribute.InstanceId) ? AttributeAccess.Read : AttributeAccess.None;

    public MethodAccess GetMethodAccess(AssociationContext association, CosemMethodDescriptor method) =>
        method.ClassId == 70 && method.InstanceId == Disconnect && method.MethodId is 1 or 2 && association.ClientSap == 32 ? MethodAccess.Access : MethodAccess.None;

    public GetDataResult Get(AssociationContext association, CosemAttributeDescriptor attribute, SelectiveAccessDescriptor? selection)
    {
        var name = attribute.InstanceId;
        CosemData? value = (attribute.ClassId, attribute.AttributeId) switch
        {
            (8, 2) => CosemData.OctetString.FromDateTime(CosemDateTime.FromDateTimeOffset(Start.AddDays(1), ClockStatus.Ok)),
            (3, 2) when name == Voltage => new CosemData.LongUnsigned(23012),
            (3, 3) when name == Voltage => new ScalerUnit(-2, Unit.Volt).ToData(),
            (3, 2) when name == Energy => new CosemData.DoubleLongUnsigned(1_234_567),
            (3, 3) when name == Energy => new ScalerUnit(0, Unit.WattHour).ToData(),
            (7, 3) when name == LoadProfile => new CosemData.Array(
                new CaptureObjectDefinition(8, ObisCode.Clock, 2, 0).ToData(),
                new CaptureObjectDefinition(3, Voltage, 2, 0).ToData(),
                new CaptureObjectDefinition(3, Energy, 2, 0).ToData()),
            (7, 2) when name == LoadProfile => new CosemData.Array(Select(selection)),
            (15, 2) => new CosemData.Array(Objects.Select(o => (CosemData)new CosemData.Structure(
                new CosemData.LongUnsigned(o.ClassId),
                new CosemData.Unsigned(0),
                new CosemData.OctetString(o.Name.ToArray()),
                new CosemData.Structure(
                    new CosemData.Array(new CosemData.Structure(new CosemData.Integer(2), new CosemData.Enum(1), CosemData.NullData.Instance)),
                    new CosemData.Array()))).ToArray()),
            (70, 2) when name == Disconnect => new CosemData.Boolean(_connected),
            (1, 2) when name == UtilityInvocationCounter => new CosemData.DoubleLongUnsigned(LastUtilityCounter),
            _ => null,
        };
        return value is null ? new GetDataResult(DataAccessResult.ObjectUndefined) : new GetDataResult(value);
    }

    public DataAccessResult Set(AssociationContext association, CosemAttributeDescriptor attribute, SelectiveAccessDescriptor? selection, CosemData value) =>
        DataAccessResult.ReadWriteDenied;

    public (ActionResult Result, CosemData? ReturnData) Invoke(AssociationContext association, CosemMethodDescriptor method, CosemData? parameters)
    {
        _connected = method.MethodId == 2;
        return (ActionResult.Success, null);
    }

    private ImmutableArray<CosemData> Select(SelectiveAccessDescriptor? selection)
    {
        if (selection is not null && EntryDescriptor.TryFromSelectiveAccessDescriptor(selection, out var entries))
        {
            var last = entries.ToEntry == 0 ? (uint)_profile.Length : Math.Min(entries.ToEntry, (uint)_profile.Length);
            return _profile[(int)(entries.FromEntry - 1)..(int)last];
        }

        if (selection is not null && RangeDescriptor.TryFromSelectiveAccessDescriptor(selection, out var range) && range.TryGetDateTimeRange(out var from, out var to))
        {
            return [.. _profile.Where(row =>
            {
                var clock = ((CosemData.OctetString)((CosemData.Structure)row).Items[0]).TryGetDateTime(out var dt) ? dt.ToDateTimeOffset(DeviationConvention.LocalMinusUtc) : default;
                return clock >= from.ToDateTimeOffset(DeviationConvention.LocalMinusUtc) && clock <= to.ToDateTimeOffset(DeviationConvention.LocalMinusUtc);
            })];
        }

        return _profile;
    }
}
