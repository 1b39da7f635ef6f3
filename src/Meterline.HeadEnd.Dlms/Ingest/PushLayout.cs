using System.Collections.Frozen;
using System.Collections.Immutable;
using Meterline.Dlms.Cosem;
using Meterline.HeadEnd.Ingest;

namespace Meterline.HeadEnd.Dlms.Ingest;

/// <summary>
/// How a meter profile's pushes are laid out: each push setup (by logical name) with its push_object_list, and the
/// capture_objects (columns) of each profile generic a push carries. A notification is identified by the logical name
/// in its first element and read element by element against this list. If an operator changes a push_object_list
/// (Push setup attribute 2), the layout must change with it.
/// </summary>
public sealed record PushLayout(
    IReadOnlyDictionary<ObisCode, PushSetupLayout> PushSetups,
    IReadOnlyDictionary<ObisCode, ImmutableArray<CaptureObjectDefinition>> ProfileColumns)
{
    public static readonly ObisCode SerialNumber = new(0, 0, 96, 1, 0, 255);
    public static readonly ObisCode UsagePush = new(0, 0, 25, 9, 0, 255);
    public static readonly ObisCode BillingPush = new(0, 1, 25, 9, 0, 255);
    public static readonly ObisCode AlertPush = new(0, 4, 25, 9, 0, 255);
    public static readonly ObisCode BlockLoadProfile = new(1, 0, 99, 1, 0, 255);
    public static readonly ObisCode BillingProfile = new(1, 0, 98, 1, 0, 255);

    /// <summary>The pushes of the IS 15959 single-phase profile as the Meterline meter sends them (docs/meter.md "Pushes"; src/Meterline.Meter/SmartMeter.Push.cs and SmartMeter.Profiles.cs).</summary>
    public static PushLayout Is15959SinglePhase { get; } = new(
        new Dictionary<ObisCode, PushSetupLayout>
        {
            [UsagePush] = new(PushKind.Usage,
            [
                new(40, UsagePush, 1, 0),
                Value(1, SerialNumber),
                new(7, BlockLoadProfile, 2, 1),
                Value(3, new(1, 0, 1, 8, 0, 255)),
                Value(3, new(1, 0, 2, 8, 0, 255)),
            ]),
            [BillingPush] = new(PushKind.Billing,
            [
                new(40, BillingPush, 1, 0),
                Value(1, SerialNumber),
                new(7, BillingProfile, 2, 1),
            ]),
            [AlertPush] = new(PushKind.Alert,
            [
                new(40, AlertPush, 1, 0),
                Value(1, SerialNumber),
                CaptureObjectDefinition.Clock,
                Value(1, new(0, 0, 96, 11, 10, 255)),
                Value(3, new(1, 0, 12, 7, 0, 255)),
                Value(3, new(1, 0, 11, 7, 0, 255)),
                Value(3, new(1, 0, 91, 7, 0, 255)),
                Value(3, new(1, 0, 13, 7, 0, 255)),
                Value(3, new(1, 0, 1, 8, 0, 255)),
            ]),
        }.ToFrozenDictionary(),
        new Dictionary<ObisCode, ImmutableArray<CaptureObjectDefinition>>
        {
            [BlockLoadProfile] =
            [
                CaptureObjectDefinition.Clock,
                Value(3, new(1, 0, 12, 27, 0, 255)),
                Value(3, new(1, 0, 11, 27, 0, 255)),
                Value(3, new(1, 0, 1, 29, 0, 255)),
                Value(3, new(1, 0, 2, 29, 0, 255)),
            ],
            [BillingProfile] =
            [
                CaptureObjectDefinition.Clock,
                Value(1, new(0, 0, 0, 1, 0, 255)),
                Value(3, new(1, 0, 1, 8, 0, 255)),
                .. Enumerable.Range(1, 8).Select(z => Value(3, new(1, 0, 1, 8, (byte)z, 255))),
                Value(4, new(1, 0, 1, 6, 0, 255)),
                new(4, new(1, 0, 1, 6, 0, 255), 5, 0),
                Value(3, new(1, 0, 2, 8, 0, 255)),
                Value(3, new(1, 0, 9, 8, 0, 255)),
            ],
        }.ToFrozenDictionary());

    private static CaptureObjectDefinition Value(ushort classId, ObisCode logicalName) => new(classId, logicalName, 2, 0);
}
