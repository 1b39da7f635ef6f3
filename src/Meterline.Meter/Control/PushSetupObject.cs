using System.Collections.Immutable;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Associations;
using Meterline.Dlms.Cosem;
using Meterline.Meter.Cosem;
using Meterline.Meter.Time;

namespace Meterline.Meter.Control;

/// <summary>
/// "Push setup" (Blue Book 4.4.8, class 40, version 0). Attributes: 2 push_object_list (array of
/// capture_object_definition, at most <see cref="PushSetupSettings.MaxObjects"/>), 3 send_destination_and_method,
/// 4 communication_window (array of {start_time, end_time}, at most <see cref="PushSetupSettings.MaxWindows"/>),
/// 5 randomisation_start_interval (long-unsigned, s), 6 number_of_retries (unsigned), 7 repetition_delay
/// (long-unsigned, s); all writable and validated. Method 1 push (integer 0) calls the meter's push callback:
/// <see cref="ActionResult.TemporaryFailure"/> when it could not start the push.
/// <para>
/// Version 0 has a single repetition_delay, so <see cref="RetryDelay"/> does not back off (the exponential delay of
/// version 1 is not part of this version).
/// </para>
/// </summary>
public sealed class PushSetupObject : CosemObject
{
    private const sbyte PushObjectListAttribute = 2;
    private const sbyte SendDestinationAndMethodAttribute = 3;
    private const sbyte CommunicationWindowAttribute = 4;
    private const sbyte RandomisationStartIntervalAttribute = 5;
    private const sbyte NumberOfRetriesAttribute = 6;
    private const sbyte RepetitionDelayAttribute = 7;

    private readonly MeterClock _clock;
    private readonly Func<bool> _pushNow;

    /// <param name="logicalName">0.0.25.9.0.255 (periodic) or 0.4.25.9.0.255 (alerts), for instance.</param>
    /// <param name="clock">The meter's clock, for the communication windows.</param>
    /// <param name="pushNow">Starts a push now; false when it cannot (no link, already pushing).</param>
    /// <param name="initial">The initial configuration; <see cref="PushSetupSettings.Empty"/> when null.</param>
    public PushSetupObject(ObisCode logicalName, MeterClock clock, Func<bool> pushNow, PushSetupSettings? initial = null)
        : base(logicalName)
    {
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(pushNow);
        initial ??= PushSetupSettings.Empty;
        if (!initial.IsValid)
        {
            throw new ArgumentException("The push settings are out of bounds", nameof(initial));
        }

        _clock = clock;
        _pushNow = pushNow;
        Settings = initial;
    }

    public override ushort ClassId => 40;

    public override byte Version => 0;

    public override int AttributeCount => 7;

    public override int MethodCount => 1;

    /// <summary>The configuration now in force.</summary>
    public PushSetupSettings Settings { get; private set; }

    /// <summary>True when the clock's local time lies in a communication window, or there are none.</summary>
    public bool IsInCommunicationWindow()
    {
        if (Settings.Windows.IsEmpty)
        {
            return true;
        }

        var now = _clock.LocalNow.DateTime;
        foreach (var window in Settings.Windows)
        {
            if (window.Contains(now))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>How long to wait before retry <paramref name="attempt"/> (1 = the first retry): repetition_delay, without back-off.</summary>
    public TimeSpan RetryDelay(int attempt)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        return TimeSpan.FromSeconds(Settings.RepetitionDelay);
    }

    /// <summary>The push body: a structure of the listed objects' values, null-data for any <paramref name="read"/> cannot supply.</summary>
    public CosemData BuildNotificationBody(Func<CaptureObjectDefinition, CosemData?> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        var values = ImmutableArray.CreateBuilder<CosemData>(Settings.ObjectList.Length);
        foreach (var definition in Settings.ObjectList)
        {
            values.Add(read(definition) ?? CosemData.NullData.Instance);
        }

        return new CosemData.Structure(values.MoveToImmutable());
    }

    protected override GetDataResult GetAttribute(AssociationContext association, sbyte attributeId, SelectiveAccessDescriptor? selection) =>
        new(attributeId switch
        {
            PushObjectListAttribute => new CosemData.Array(Settings.ObjectList.Select(o => o.ToData()).ToImmutableArray()),
            SendDestinationAndMethodAttribute => new CosemData.Structure(
                new CosemData.Enum((byte)Settings.Destination.TransportService),
                new CosemData.OctetString(Settings.Destination.Destination),
                new CosemData.Enum((byte)Settings.Destination.Message)),
            CommunicationWindowAttribute => new CosemData.Array(Settings.Windows.Select(w => (CosemData)new CosemData.Structure(
                CosemData.OctetString.FromDateTime(w.Start),
                CosemData.OctetString.FromDateTime(w.End))).ToImmutableArray()),
            RandomisationStartIntervalAttribute => new CosemData.LongUnsigned(Settings.RandomisationStartInterval),
            NumberOfRetriesAttribute => new CosemData.Unsigned(Settings.NumberOfRetries),
            _ => new CosemData.LongUnsigned(Settings.RepetitionDelay),
        });

    protected override DataAccessResult SetAttribute(AssociationContext association, sbyte attributeId, CosemData value)
    {
        var (result, updated) = attributeId switch
        {
            PushObjectListAttribute => ObjectList(value),
            SendDestinationAndMethodAttribute => Destination(value),
            CommunicationWindowAttribute => Windows(value),
            RandomisationStartIntervalAttribute => value is CosemData.LongUnsigned r
                ? (DataAccessResult.Success, Settings with { RandomisationStartInterval = r.Value })
                : (DataAccessResult.TypeUnmatched, null),
            NumberOfRetriesAttribute => value is CosemData.Unsigned n
                ? (DataAccessResult.Success, Settings with { NumberOfRetries = n.Value })
                : (DataAccessResult.TypeUnmatched, null),
            _ => value is CosemData.LongUnsigned d
                ? (DataAccessResult.Success, Settings with { RepetitionDelay = d.Value })
                : (DataAccessResult.TypeUnmatched, null),
        };
        if (updated is not null)
        {
            Settings = updated;
        }

        return result;
    }

    protected override (ActionResult Result, CosemData? ReturnData) InvokeMethod(AssociationContext association, sbyte methodId, CosemData? parameters)
    {
        if (parameters is not CosemData.Integer integer)
        {
            return (ActionResult.TypeUnmatched, null);
        }

        if (integer.Value != 0)
        {
            return (ActionResult.OtherReason, null);
        }

        return (_pushNow() ? ActionResult.Success : ActionResult.TemporaryFailure, null);
    }

    private (DataAccessResult, PushSetupSettings?) ObjectList(CosemData value)
    {
        if (value is not CosemData.Array { Items: { IsDefault: false } items })
        {
            return (DataAccessResult.TypeUnmatched, null);
        }

        if (items.Length > PushSetupSettings.MaxObjects)
        {
            return (DataAccessResult.OtherReason, null);
        }

        var list = ImmutableArray.CreateBuilder<CaptureObjectDefinition>(items.Length);
        foreach (var item in items)
        {
            if (!CaptureObjectDefinition.TryFromData(item, out var definition))
            {
                return (DataAccessResult.TypeUnmatched, null);
            }

            if (definition.AttributeIndex < 1)
            {
                return (DataAccessResult.OtherReason, null);
            }

            list.Add(definition);
        }

        return (DataAccessResult.Success, Settings with { ObjectList = list.MoveToImmutable() });
    }

    private (DataAccessResult, PushSetupSettings?) Destination(CosemData value)
    {
        if (value is not CosemData.Structure { Items: [CosemData.Enum service, CosemData.OctetString destination, CosemData.Enum message] })
        {
            return (DataAccessResult.TypeUnmatched, null);
        }

        var candidate = new PushDestination((PushTransportService)service.Value, destination.Value.ToArray(), (PushMessageType)message.Value);
        return candidate.IsValid
            ? (DataAccessResult.Success, Settings with { Destination = candidate })
            : (DataAccessResult.OtherReason, null);
    }

    private (DataAccessResult, PushSetupSettings?) Windows(CosemData value)
    {
        if (value is not CosemData.Array { Items: { IsDefault: false } items })
        {
            return (DataAccessResult.TypeUnmatched, null);
        }

        if (items.Length > PushSetupSettings.MaxWindows)
        {
            return (DataAccessResult.OtherReason, null);
        }

        var windows = ImmutableArray.CreateBuilder<CommunicationWindow>(items.Length);
        foreach (var item in items)
        {
            if (item is not CosemData.Structure { Items: [CosemData.OctetString start, CosemData.OctetString end] })
            {
                return (DataAccessResult.TypeUnmatched, null);
            }

            if (!start.TryGetDateTime(out var from) || !end.TryGetDateTime(out var to))
            {
                return (DataAccessResult.OtherReason, null);
            }

            var window = new CommunicationWindow(from, to);
            if (!window.IsValid)
            {
                return (DataAccessResult.OtherReason, null);
            }

            windows.Add(window);
        }

        return (DataAccessResult.Success, Settings with { Windows = windows.MoveToImmutable() });
    }
}
