using Meterline.Dlms.Apdus;
using Meterline.Dlms.Associations;
using Meterline.Dlms.Cosem;
using Meterline.Meter.Cosem;
using Meterline.Meter.Events;

namespace Meterline.Meter.Control;

/// <summary>
/// "Disconnect control" (Blue Book 4.5.8, class 70, version 0): the load switch as a state machine. Attributes:
/// 2 output_state (boolean), 3 control_state (enum, <see cref="DisconnectControlState"/>), 4 control_mode (enum 0–6,
/// writable, <see cref="DisconnectControlMode"/>). Methods: 1 remote_disconnect (integer 0), 2 remote_reconnect
/// (integer 0). The customer's button and local functions (limiter, prepayment) use <see cref="ManualDisconnect"/>,
/// <see cref="ManualReconnect"/>, <see cref="LocalDisconnect"/> and <see cref="LocalReconnect"/>.
/// <para>
/// Choices: a method whose transition the mode (or the diagram, from the current state) does not allow answers
/// <see cref="ActionResult.ReadWriteDenied"/> and changes nothing; a method invoked when the object already is in the
/// state it would lead to (remote_disconnect when Disconnected; remote_reconnect when Connected, or when
/// Ready_for_reconnection under a mode whose remote reconnection is d) succeeds without a transition, so a head-end
/// retrying after a lost response does not see an error. Event 301 (load switch disconnected) and 302 (connected)
/// are recorded whenever output_state changes, never on a move between the two open states. Writing control_mode 0
/// (always connected) while the output is open is refused with <see cref="DataAccessResult.ReadWriteDenied"/>: a SET
/// must not reconnect the load behind the methods' back.
/// </para>
/// </summary>
public sealed class DisconnectControlObject : CosemObject
{
    /// <summary>Method 1, remote_disconnect.</summary>
    public const sbyte RemoteDisconnectMethod = 1;

    /// <summary>Method 2, remote_reconnect.</summary>
    public const sbyte RemoteReconnectMethod = 2;

    private const sbyte OutputStateAttribute = 2;
    private const sbyte ControlStateAttribute = 3;
    private const sbyte ControlModeAttribute = 4;

    private readonly IEventRecorder _events;
    private readonly Func<AssociationContext, bool>? _authorise;

    /// <param name="logicalName">Normally 0.0.96.3.10.255.</param>
    /// <param name="events">Where 301 and 302 are recorded.</param>
    /// <param name="mode">The initial control_mode.</param>
    /// <param name="connected">True to start Connected, false to start Disconnected.</param>
    /// <param name="authorise">
    /// An extra check on methods 1 and 2 (defence in depth behind the access rights): false answers ReadWriteDenied.
    /// </param>
    public DisconnectControlObject(
        ObisCode logicalName,
        IEventRecorder events,
        DisconnectControlMode mode = DisconnectControlMode.Mode1,
        bool connected = true,
        Func<AssociationContext, bool>? authorise = null)
        : base(logicalName)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "control_mode is 0 to 6");
        }

        if (mode == DisconnectControlMode.None && !connected)
        {
            throw new ArgumentException("control_mode 0 (none) is always connected", nameof(connected));
        }

        _events = events;
        _authorise = authorise;
        ControlMode = mode;
        ControlState = connected ? DisconnectControlState.Connected : DisconnectControlState.Disconnected;
    }

    /// <summary>The load switch changed position.</summary>
    public event EventHandler<RelayChangedEventArgs>? RelayChanged;

    public override ushort ClassId => 70;

    public override byte Version => 0;

    public override int AttributeCount => 4;

    public override int MethodCount => 2;

    /// <summary>output_state: true when the load is supplied.</summary>
    public bool OutputState => DisconnectControlTransitions.OutputState(ControlState);

    /// <summary>control_state.</summary>
    public DisconnectControlState ControlState { get; private set; }

    /// <summary>control_mode.</summary>
    public DisconnectControlMode ControlMode { get; private set; }

    /// <summary>The customer's button, disconnecting (transition f). False when the mode or state does not allow it.</summary>
    public bool ManualDisconnect() => Apply(DisconnectControlTrigger.ManualDisconnect);

    /// <summary>The customer's button, reconnecting (transition e). False when the mode or state does not allow it.</summary>
    public bool ManualReconnect() => Apply(DisconnectControlTrigger.ManualReconnect);

    /// <summary>A local function (limiter, prepayment) disconnecting (transition g). False when not allowed.</summary>
    public bool LocalDisconnect() => Apply(DisconnectControlTrigger.LocalDisconnect);

    /// <summary>A local function reconnecting (transition h, modes 5 and 6 only). False when not allowed.</summary>
    public bool LocalReconnect() => Apply(DisconnectControlTrigger.LocalReconnect);

    protected override GetDataResult GetAttribute(AssociationContext association, sbyte attributeId, SelectiveAccessDescriptor? selection) =>
        attributeId switch
        {
            OutputStateAttribute => new GetDataResult(new CosemData.Boolean(OutputState)),
            ControlStateAttribute => new GetDataResult(new CosemData.Enum((byte)ControlState)),
            _ => new GetDataResult(new CosemData.Enum((byte)ControlMode)),
        };

    protected override DataAccessResult SetAttribute(AssociationContext association, sbyte attributeId, CosemData value)
    {
        if (attributeId != ControlModeAttribute)
        {
            return DataAccessResult.ReadWriteDenied;
        }

        if (value is not CosemData.Enum { Value: var raw })
        {
            return DataAccessResult.TypeUnmatched;
        }

        var mode = (DisconnectControlMode)raw;
        if (!Enum.IsDefined(mode))
        {
            return DataAccessResult.OtherReason;
        }

        if (mode == DisconnectControlMode.None && ControlState != DisconnectControlState.Connected)
        {
            return DataAccessResult.ReadWriteDenied;
        }

        ControlMode = mode;
        return DataAccessResult.Success;
    }

    protected override (ActionResult Result, CosemData? ReturnData) InvokeMethod(AssociationContext association, sbyte methodId, CosemData? parameters)
    {
        if (_authorise is not null && !_authorise(association))
        {
            return (ActionResult.ReadWriteDenied, null);
        }

        if (parameters is not CosemData.Integer integer)
        {
            return (ActionResult.TypeUnmatched, null);
        }

        if (integer.Value != 0)
        {
            return (ActionResult.OtherReason, null);
        }

        var trigger = methodId == RemoteDisconnectMethod
            ? DisconnectControlTrigger.RemoteDisconnect
            : DisconnectControlTrigger.RemoteReconnect;
        if (Apply(trigger) || IsAlreadyThere(trigger))
        {
            return (ActionResult.Success, null);
        }

        return (ActionResult.ReadWriteDenied, null);
    }

    private bool IsAlreadyThere(DisconnectControlTrigger trigger) => trigger switch
    {
        DisconnectControlTrigger.RemoteDisconnect => ControlState == DisconnectControlState.Disconnected,
        _ => ControlState == DisconnectControlState.Connected
            || (ControlState == DisconnectControlState.ReadyForReconnection
                && DisconnectControlTransitions.IsAllowed(ControlMode, DisconnectControlTransition.D)),
    };

    private bool Apply(DisconnectControlTrigger trigger)
    {
        if (DisconnectControlTransitions.Find(ControlMode, trigger, ControlState) is not { } transition)
        {
            return false;
        }

        var before = OutputState;
        ControlState = DisconnectControlTransitions.Target(transition);
        var after = OutputState;
        if (before != after)
        {
            _events.Record(after ? ControlEventCodes.LoadSwitchConnected : ControlEventCodes.LoadSwitchDisconnected);
            RelayChanged?.Invoke(this, new RelayChangedEventArgs(before, after, transition));
        }

        return true;
    }
}
