using System.Collections.Immutable;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Associations;
using Meterline.Dlms.Cosem;
using Meterline.Meter.Cosem;
using Meterline.Meter.Events;
using Meterline.Meter.Time;

namespace Meterline.Meter.Control;

/// <summary>
/// "Limiter" (Blue Book 4.5.9, class 71, version 0): load limiting on a monitored value (W). Attributes: 2
/// monitored_value, 3 threshold_active, 4 threshold_normal, 5 threshold_emergency (double-long-unsigned, W), 6
/// min_over_threshold_duration, 7 min_under_threshold_duration (double-long-unsigned, s), 8 emergency_profile, 9
/// emergency_profile_group_id_list (array of long-unsigned, at most <see cref="MaxGroupIds"/>), 10
/// emergency_profile_active (boolean, read-only), 11 actions. No methods.
/// <para>
/// Behaviour: the meter calls <see cref="Evaluate"/> every metrology step. threshold_active becomes
/// threshold_emergency when an emergency profile whose id is in the group list becomes active (activation_time ≤
/// now &lt; activation_time + duration, meter time), and threshold_normal when it ends; a written threshold_active
/// holds until the next such change. A value strictly above threshold_active for min_over_threshold_duration calls
/// the over-threshold action once; then a value at or below it for min_under_threshold_duration calls the
/// under-threshold action once. Durations are measured in true time, so setting the clock neither stretches nor
/// cuts them. threshold_active 0 disables the function: timing restarts and a pending over state is dropped (the
/// switch stays as it is; the customer or head-end reconnects). The actions attribute is kept for the head-end;
/// what runs are the constructor's callbacks.
/// </para>
/// <para>
/// Events: every threshold write records 158 (load limit set); a threshold written from non-zero to 0 also records
/// 160 (disabled), from 0 to non-zero 159 (enabled).
/// </para>
/// </summary>
public sealed class LimiterObject : CosemObject
{
    /// <summary>Most emergency profile group ids.</summary>
    public const int MaxGroupIds = 16;

    private const sbyte MonitoredValueAttribute = 2;
    private const sbyte ThresholdActiveAttribute = 3;
    private const sbyte ThresholdNormalAttribute = 4;
    private const sbyte ThresholdEmergencyAttribute = 5;
    private const sbyte MinOverAttribute = 6;
    private const sbyte MinUnderAttribute = 7;
    private const sbyte EmergencyProfileAttribute = 8;
    private const sbyte GroupIdListAttribute = 9;
    private const sbyte EmergencyProfileActiveAttribute = 10;

    private readonly MeterClock _clock;
    private readonly IEventRecorder _events;
    private readonly Action _overThreshold;
    private readonly Action _underThreshold;
    private DateTimeOffset? _overSince;
    private DateTimeOffset? _underSince;

    /// <param name="logicalName">Normally 0.0.17.0.0.255.</param>
    /// <param name="clock">Meter time for the emergency profile, true time for durations.</param>
    /// <param name="events">Where 158, 159 and 160 are recorded.</param>
    /// <param name="overThreshold">action_over_threshold (normally a local disconnect).</param>
    /// <param name="underThreshold">action_under_threshold (normally a local reconnect).</param>
    public LimiterObject(ObisCode logicalName, MeterClock clock, IEventRecorder events, Action overThreshold, Action underThreshold)
        : base(logicalName)
    {
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(overThreshold);
        ArgumentNullException.ThrowIfNull(underThreshold);
        _clock = clock;
        _events = events;
        _overThreshold = overThreshold;
        _underThreshold = underThreshold;
    }

    public override ushort ClassId => 71;

    public override byte Version => 0;

    public override int AttributeCount => 11;

    /// <summary>monitored_value: what the meter should pass to <see cref="Evaluate"/>.</summary>
    public ValueDefinition MonitoredValue { get; private set; } = ValueDefinition.ActivePower;

    /// <summary>threshold_active (W); 0 = function disabled.</summary>
    public uint ThresholdActive { get; private set; }

    /// <summary>threshold_normal (W).</summary>
    public uint ThresholdNormal { get; private set; }

    /// <summary>threshold_emergency (W).</summary>
    public uint ThresholdEmergency { get; private set; }

    /// <summary>min_over_threshold_duration (s).</summary>
    public uint MinOverThresholdDuration { get; private set; }

    /// <summary>min_under_threshold_duration (s).</summary>
    public uint MinUnderThresholdDuration { get; private set; }

    /// <summary>emergency_profile.</summary>
    public EmergencyProfile EmergencyProfile { get; private set; } = EmergencyProfile.None;

    /// <summary>emergency_profile_group_id_list.</summary>
    public ImmutableArray<ushort> EmergencyProfileGroupIds { get; private set; } = [];

    /// <summary>emergency_profile_active, as of the last evaluation or read.</summary>
    public bool EmergencyProfileActive { get; private set; }

    /// <summary>action_over_threshold.</summary>
    public ScriptAction ActionOverThreshold { get; private set; } = new(ScriptAction.DisconnectControlScriptTable, 1);

    /// <summary>action_under_threshold.</summary>
    public ScriptAction ActionUnderThreshold { get; private set; } = new(ScriptAction.DisconnectControlScriptTable, 2);

    /// <summary>True after the over-threshold action ran, until the under-threshold action runs.</summary>
    public bool IsOverThreshold { get; private set; }

    /// <summary>Compares the monitored value with threshold_active now and runs an action when a duration is met.</summary>
    public void Evaluate(long monitoredValue)
    {
        RefreshEmergency();
        if (ThresholdActive == 0)
        {
            _overSince = null;
            _underSince = null;
            IsOverThreshold = false;
            return;
        }

        var now = _clock.TrueNow;
        var over = monitoredValue > ThresholdActive;
        if (!IsOverThreshold)
        {
            _underSince = null;
            _overSince = over ? _overSince ?? now : null;
            if (_overSince is { } since && now - since >= TimeSpan.FromSeconds(MinOverThresholdDuration))
            {
                _overSince = null;
                IsOverThreshold = true;
                _overThreshold();
            }
        }
        else
        {
            _overSince = null;
            _underSince = over ? null : _underSince ?? now;
            if (_underSince is { } since && now - since >= TimeSpan.FromSeconds(MinUnderThresholdDuration))
            {
                _underSince = null;
                IsOverThreshold = false;
                _underThreshold();
            }
        }
    }

    protected override GetDataResult GetAttribute(AssociationContext association, sbyte attributeId, SelectiveAccessDescriptor? selection)
    {
        RefreshEmergency();
        return new GetDataResult(attributeId switch
        {
            MonitoredValueAttribute => MonitoredValue.ToData(),
            ThresholdActiveAttribute => new CosemData.DoubleLongUnsigned(ThresholdActive),
            ThresholdNormalAttribute => new CosemData.DoubleLongUnsigned(ThresholdNormal),
            ThresholdEmergencyAttribute => new CosemData.DoubleLongUnsigned(ThresholdEmergency),
            MinOverAttribute => new CosemData.DoubleLongUnsigned(MinOverThresholdDuration),
            MinUnderAttribute => new CosemData.DoubleLongUnsigned(MinUnderThresholdDuration),
            EmergencyProfileAttribute => EmergencyProfile.ToData(),
            GroupIdListAttribute => new CosemData.Array(EmergencyProfileGroupIds.Select(id => (CosemData)new CosemData.LongUnsigned(id)).ToImmutableArray()),
            EmergencyProfileActiveAttribute => new CosemData.Boolean(EmergencyProfileActive),
            _ => new CosemData.Structure(ActionOverThreshold.ToData(), ActionUnderThreshold.ToData()),
        });
    }

    protected override DataAccessResult SetAttribute(AssociationContext association, sbyte attributeId, CosemData value)
    {
        switch (attributeId)
        {
            case MonitoredValueAttribute:
                return SetMonitoredValue(value);
            case ThresholdActiveAttribute or ThresholdNormalAttribute or ThresholdEmergencyAttribute:
                return SetThreshold(attributeId, value);
            case MinOverAttribute or MinUnderAttribute:
                if (value is not CosemData.DoubleLongUnsigned seconds)
                {
                    return DataAccessResult.TypeUnmatched;
                }

                if (attributeId == MinOverAttribute)
                {
                    MinOverThresholdDuration = seconds.Value;
                }
                else
                {
                    MinUnderThresholdDuration = seconds.Value;
                }

                return DataAccessResult.Success;
            case EmergencyProfileAttribute:
                return SetEmergencyProfile(value);
            case GroupIdListAttribute:
                return SetGroupIds(value);
            case EmergencyProfileActiveAttribute:
                return DataAccessResult.ReadWriteDenied;
            default:
                return SetActions(value);
        }
    }

    private DataAccessResult SetMonitoredValue(CosemData value)
    {
        if (value is not CosemData.Structure { Items: [CosemData.LongUnsigned classId, CosemData.OctetString name, CosemData.Integer attribute] })
        {
            return DataAccessResult.TypeUnmatched;
        }

        if (name.Value.Length != ObisCode.EncodedLength || attribute.Value < 1)
        {
            return DataAccessResult.OtherReason;
        }

        MonitoredValue = new ValueDefinition(classId.Value, ObisCode.Decode(name.Value.Span, out _), attribute.Value);
        return DataAccessResult.Success;
    }

    private DataAccessResult SetThreshold(sbyte attributeId, CosemData value)
    {
        if (value is not CosemData.DoubleLongUnsigned { Value: var threshold })
        {
            return DataAccessResult.TypeUnmatched;
        }

        RefreshEmergency();
        uint old;
        switch (attributeId)
        {
            case ThresholdActiveAttribute:
                old = ThresholdActive;
                ThresholdActive = threshold;
                break;
            case ThresholdNormalAttribute:
                old = ThresholdNormal;
                ThresholdNormal = threshold;
                if (!EmergencyProfileActive)
                {
                    ThresholdActive = threshold;
                }

                break;
            default:
                old = ThresholdEmergency;
                ThresholdEmergency = threshold;
                if (EmergencyProfileActive)
                {
                    ThresholdActive = threshold;
                }

                break;
        }

        _events.Record(ControlEventCodes.LoadLimitSet);
        if (old != 0 && threshold == 0)
        {
            _events.Record(ControlEventCodes.LoadLimitDisabled);
        }
        else if (old == 0 && threshold != 0)
        {
            _events.Record(ControlEventCodes.LoadLimitEnabled);
        }

        return DataAccessResult.Success;
    }

    private DataAccessResult SetEmergencyProfile(CosemData value)
    {
        if (value is not CosemData.Structure { Items: [CosemData.LongUnsigned id, CosemData.OctetString activation, CosemData.DoubleLongUnsigned duration] })
        {
            return DataAccessResult.TypeUnmatched;
        }

        if (!activation.TryGetDateTime(out var activationTime)
            || (!IsUnscheduled(activationTime) && !activationTime.TryToDateTimeOffset(out _, _clock.Convention, _clock.UtcOffset)))
        {
            return DataAccessResult.OtherReason;
        }

        EmergencyProfile = new EmergencyProfile(id.Value, activationTime, duration.Value);
        RefreshEmergency();
        return DataAccessResult.Success;
    }

    private DataAccessResult SetGroupIds(CosemData value)
    {
        if (value is not CosemData.Array { Items: { IsDefault: false } items })
        {
            return DataAccessResult.TypeUnmatched;
        }

        if (items.Length > MaxGroupIds)
        {
            return DataAccessResult.OtherReason;
        }

        var ids = ImmutableArray.CreateBuilder<ushort>(items.Length);
        foreach (var item in items)
        {
            if (item is not CosemData.LongUnsigned id)
            {
                return DataAccessResult.TypeUnmatched;
            }

            ids.Add(id.Value);
        }

        EmergencyProfileGroupIds = ids.MoveToImmutable();
        RefreshEmergency();
        return DataAccessResult.Success;
    }

    private DataAccessResult SetActions(CosemData value)
    {
        if (value is not CosemData.Structure { Items: [var overItem, var underItem] }
            || !ScriptAction.TryFromData(overItem, out var over)
            || !ScriptAction.TryFromData(underItem, out var under))
        {
            return DataAccessResult.TypeUnmatched;
        }

        ActionOverThreshold = over;
        ActionUnderThreshold = under;
        return DataAccessResult.Success;
    }

    private void RefreshEmergency()
    {
        var active = IsEmergencyInForce();
        if (active != EmergencyProfileActive)
        {
            EmergencyProfileActive = active;
            ThresholdActive = active ? ThresholdEmergency : ThresholdNormal;
        }
    }

    private bool IsEmergencyInForce()
    {
        var profile = EmergencyProfile;
        if (profile.Duration == 0 || IsUnscheduled(profile.ActivationTime) || !EmergencyProfileGroupIds.Contains(profile.Id)
            || !profile.ActivationTime.TryToDateTimeOffset(out var start, _clock.Convention, _clock.UtcOffset))
        {
            return false;
        }

        var now = _clock.UtcNow;
        return start <= now && now < start.AddSeconds(profile.Duration);
    }

    private static bool IsUnscheduled(CosemDateTime value) =>
        value.Date == CosemDateTime.Unspecified.Date && value.Time == CosemDateTime.Unspecified.Time;
}
