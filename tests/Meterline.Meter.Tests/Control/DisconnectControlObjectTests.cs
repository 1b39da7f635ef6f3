using Meterline.Dlms.Apdus;
using Meterline.Dlms.Cosem;
using Meterline.Meter.Control;

namespace Meterline.Meter.Tests.Control;

public sealed class DisconnectControlObjectTests
{
    private static readonly ObisCode Ln = new(0, 0, 96, 3, 10, 255);
    private static readonly CosemData Zero = new CosemData.Integer(0);

    public static TheoryData<DisconnectControlMode, DisconnectControlTrigger, DisconnectControlState, DisconnectControlState?> TransitionTable()
    {
        // Every mode × every trigger × every start state: the expected end state, or null when no transition happens.
        // Expectations written out from the Blue Book 4.5.8 diagram (a: 0→1, b: 1→0, c: 2→0, d: 0→2, e/h: 2→1,
        // f/g: 1→2) and the control_mode table.
        const DisconnectControlState D = DisconnectControlState.Disconnected;
        const DisconnectControlState C = DisconnectControlState.Connected;
        const DisconnectControlState R = DisconnectControlState.ReadyForReconnection;
        var allowed = new Dictionary<DisconnectControlMode, string>
        {
            [DisconnectControlMode.None] = "",
            [DisconnectControlMode.Mode1] = "bcfgde",
            [DisconnectControlMode.Mode2] = "bcfgae",
            [DisconnectControlMode.Mode3] = "bcgde",
            [DisconnectControlMode.Mode4] = "bcgae",
            [DisconnectControlMode.Mode5] = "bcfgdeh",
            [DisconnectControlMode.Mode6] = "bcgdeh",
        };
        var diagram = new (char Letter, DisconnectControlTrigger Trigger, DisconnectControlState From, DisconnectControlState To)[]
        {
            ('a', DisconnectControlTrigger.RemoteReconnect, D, C),
            ('b', DisconnectControlTrigger.RemoteDisconnect, C, D),
            ('c', DisconnectControlTrigger.RemoteDisconnect, R, D),
            ('d', DisconnectControlTrigger.RemoteReconnect, D, R),
            ('e', DisconnectControlTrigger.ManualReconnect, R, C),
            ('f', DisconnectControlTrigger.ManualDisconnect, C, R),
            ('g', DisconnectControlTrigger.LocalDisconnect, C, R),
            ('h', DisconnectControlTrigger.LocalReconnect, R, C),
        };
        var data = new TheoryData<DisconnectControlMode, DisconnectControlTrigger, DisconnectControlState, DisconnectControlState?>();
        foreach (var (mode, letters) in allowed)
        {
            foreach (var trigger in Enum.GetValues<DisconnectControlTrigger>())
            {
                foreach (var from in new[] { D, C, R })
                {
                    if (mode == DisconnectControlMode.None && from != C)
                    {
                        continue; // mode 0 is always connected: the other states cannot be reached under it
                    }

                    DisconnectControlState? to = null;
                    foreach (var (letter, t, f, target) in diagram)
                    {
                        if (t == trigger && f == from && letters.Contains(letter, StringComparison.Ordinal))
                        {
                            to = target;
                        }
                    }

                    data.Add(mode, trigger, from, to);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(TransitionTable))]
    public void Trigger_EveryModeStateAndTrigger_FollowsTheBlueBookTable(
        DisconnectControlMode mode, DisconnectControlTrigger trigger, DisconnectControlState from, DisconnectControlState? expected)
    {
        var events = new RecordingEventRecorder();
        var control = InState(mode, from, events);
        events.Codes.Clear();

        var moved = trigger switch
        {
            DisconnectControlTrigger.ManualDisconnect => control.ManualDisconnect(),
            DisconnectControlTrigger.ManualReconnect => control.ManualReconnect(),
            DisconnectControlTrigger.LocalDisconnect => control.LocalDisconnect(),
            DisconnectControlTrigger.LocalReconnect => control.LocalReconnect(),
            _ => Invoke(control, trigger) == ActionResult.Success && control.ControlState != from,
        };

        Assert.Equal(expected is not null, moved);
        Assert.Equal(expected ?? from, control.ControlState);
        var end = expected ?? from;
        var outputChanged = (from == DisconnectControlState.Connected) != (end == DisconnectControlState.Connected);
        ushort[] expectedEvents = !outputChanged ? [] : end == DisconnectControlState.Connected ? [302] : [301];
        Assert.Equal(expectedEvents, events.Codes);
    }

    public static TheoryData<DisconnectControlMode, DisconnectControlTrigger, DisconnectControlState, DisconnectControlState?> RemoteTable()
    {
        var data = new TheoryData<DisconnectControlMode, DisconnectControlTrigger, DisconnectControlState, DisconnectControlState?>();
        foreach (var row in TransitionTable())
        {
            if ((DisconnectControlTrigger)row[1] is DisconnectControlTrigger.RemoteDisconnect or DisconnectControlTrigger.RemoteReconnect)
            {
                data.Add((DisconnectControlMode)row[0], (DisconnectControlTrigger)row[1], (DisconnectControlState)row[2], (DisconnectControlState?)row[3]);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RemoteTable))]
    public void Invoke_RemoteMethodNotAllowed_ReadWriteDeniedUnlessAlreadyThere(
        DisconnectControlMode mode, DisconnectControlTrigger trigger, DisconnectControlState from, DisconnectControlState? expected)
    {
        var control = InState(mode, from, new RecordingEventRecorder());
        var result = Invoke(control, trigger);

        var alreadyThere = trigger == DisconnectControlTrigger.RemoteDisconnect
            ? from == DisconnectControlState.Disconnected
            : from == DisconnectControlState.Connected
              || (from == DisconnectControlState.ReadyForReconnection && mode is DisconnectControlMode.Mode1 or DisconnectControlMode.Mode3
                  or DisconnectControlMode.Mode5 or DisconnectControlMode.Mode6);
        var expectedResult = expected is not null || alreadyThere ? ActionResult.Success : ActionResult.ReadWriteDenied;
        Assert.Equal(expectedResult, result);
    }

    [Fact]
    public void Get_EveryAttribute_ReturnsTypedValues()
    {
        var control = new DisconnectControlObject(Ln, new RecordingEventRecorder(), DisconnectControlMode.Mode2);
        Assert.Equal(new CosemData.OctetString(Ln.ToArray()), control.Get(TestAssociations.Reader, 1, null).Data);
        Assert.Equal(new CosemData.Boolean(true), control.Get(TestAssociations.Reader, 2, null).Data);
        Assert.Equal(new CosemData.Enum(1), control.Get(TestAssociations.Reader, 3, null).Data);
        Assert.Equal(new CosemData.Enum(2), control.Get(TestAssociations.Reader, 4, null).Data);
        Assert.Equal(DataAccessResult.ObjectUndefined, control.Get(TestAssociations.Reader, 5, null).Result);
        Assert.Equal(70, control.ClassId);
        Assert.Equal(0, control.Version);
    }

    [Fact]
    public void RemoteDisconnect_Connected_OpensRecords301AndRaisesRelayChanged()
    {
        var events = new RecordingEventRecorder();
        var control = new DisconnectControlObject(Ln, events);
        RelayChangedEventArgs? seen = null;
        control.RelayChanged += (_, e) => seen = e;

        Assert.Equal(ActionResult.Success, control.Invoke(TestAssociations.Utility, 1, Zero).Result);

        Assert.False(control.OutputState);
        Assert.Equal(new CosemData.Boolean(false), control.Get(TestAssociations.Reader, 2, null).Data);
        Assert.Equal(new ushort[] { 301 }, events.Codes);
        Assert.NotNull(seen);
        Assert.True(seen.OldOutputState);
        Assert.False(seen.NewOutputState);
        Assert.Equal(DisconnectControlTransition.B, seen.Cause);
    }

    [Fact]
    public void RemoteReconnect_Mode1_ArmsThenCustomerReconnects()
    {
        var events = new RecordingEventRecorder();
        var control = new DisconnectControlObject(Ln, events, DisconnectControlMode.Mode1, connected: false);

        Assert.Equal(ActionResult.Success, control.Invoke(TestAssociations.Utility, 2, Zero).Result);
        Assert.Equal(DisconnectControlState.ReadyForReconnection, control.ControlState);
        Assert.False(control.OutputState);
        Assert.Empty(events.Codes);

        Assert.True(control.ManualReconnect());
        Assert.True(control.OutputState);
        Assert.Equal(new ushort[] { 302 }, events.Codes);
    }

    [Fact]
    public void Invoke_AuthoriseSaysNo_ReadWriteDeniedAndNothingChanges()
    {
        var events = new RecordingEventRecorder();
        var control = new DisconnectControlObject(Ln, events, authorise: a => a.RequestProtection.Signed);

        Assert.Equal(ActionResult.ReadWriteDenied, control.Invoke(TestAssociations.Utility, 1, Zero).Result);
        Assert.Equal(ActionResult.ReadWriteDenied, control.Invoke(TestAssociations.Utility, 2, Zero).Result);
        Assert.True(control.OutputState);
        Assert.Empty(events.Codes);
    }

    [Fact]
    public void Invoke_AuthoriseSaysYes_Disconnects()
    {
        var control = new DisconnectControlObject(Ln, new RecordingEventRecorder(), authorise: a => a.ClientSap == 48);
        Assert.Equal(ActionResult.Success, control.Invoke(TestAssociations.Utility, 1, Zero).Result);
        Assert.False(control.OutputState);
    }

    [Fact]
    public void Invoke_WrongParameterType_TypeUnmatched()
    {
        var control = new DisconnectControlObject(Ln, new RecordingEventRecorder());
        Assert.Equal(ActionResult.TypeUnmatched, control.Invoke(TestAssociations.Utility, 1, new CosemData.Unsigned(0)).Result);
        Assert.Equal(ActionResult.TypeUnmatched, control.Invoke(TestAssociations.Utility, 1, null).Result);
        Assert.True(control.OutputState);
    }

    [Fact]
    public void Invoke_NonZeroInteger_OtherReason()
    {
        var control = new DisconnectControlObject(Ln, new RecordingEventRecorder());
        Assert.Equal(ActionResult.OtherReason, control.Invoke(TestAssociations.Utility, 1, new CosemData.Integer(1)).Result);
        Assert.True(control.OutputState);
    }

    [Fact]
    public void Invoke_UnknownMethod_ObjectUndefined()
    {
        var control = new DisconnectControlObject(Ln, new RecordingEventRecorder());
        Assert.Equal(ActionResult.ObjectUndefined, control.Invoke(TestAssociations.Utility, 3, Zero).Result);
    }

    [Theory]
    [InlineData((byte)0)]
    [InlineData((byte)3)]
    [InlineData((byte)6)]
    public void Set_ControlModeInRange_Success(byte mode)
    {
        var control = new DisconnectControlObject(Ln, new RecordingEventRecorder());
        Assert.Equal(DataAccessResult.Success, control.Set(TestAssociations.Utility, 4, null, new CosemData.Enum(mode)));
        Assert.Equal((DisconnectControlMode)mode, control.ControlMode);
        Assert.Equal(new CosemData.Enum(mode), control.Get(TestAssociations.Utility, 4, null).Data);
    }

    [Fact]
    public void Set_ControlModeSeven_OtherReasonAndUnchanged()
    {
        var control = new DisconnectControlObject(Ln, new RecordingEventRecorder(), DisconnectControlMode.Mode2);
        Assert.Equal(DataAccessResult.OtherReason, control.Set(TestAssociations.Utility, 4, null, new CosemData.Enum(7)));
        Assert.Equal(DisconnectControlMode.Mode2, control.ControlMode);
    }

    [Fact]
    public void Set_ControlModeWrongType_TypeUnmatched()
    {
        var control = new DisconnectControlObject(Ln, new RecordingEventRecorder());
        Assert.Equal(DataAccessResult.TypeUnmatched, control.Set(TestAssociations.Utility, 4, null, new CosemData.Unsigned(1)));
    }

    [Fact]
    public void Set_ModeNoneWhileDisconnected_ReadWriteDeniedAndStaysOpen()
    {
        var control = new DisconnectControlObject(Ln, new RecordingEventRecorder(), DisconnectControlMode.Mode1, connected: false);
        Assert.Equal(DataAccessResult.ReadWriteDenied, control.Set(TestAssociations.Utility, 4, null, new CosemData.Enum(0)));
        Assert.Equal(DisconnectControlMode.Mode1, control.ControlMode);
        Assert.False(control.OutputState);
    }

    [Theory]
    [InlineData((sbyte)1)]
    [InlineData((sbyte)2)]
    [InlineData((sbyte)3)]
    public void Set_ReadOnlyAttribute_ReadWriteDenied(sbyte attribute)
    {
        var control = new DisconnectControlObject(Ln, new RecordingEventRecorder());
        Assert.Equal(DataAccessResult.ReadWriteDenied, control.Set(TestAssociations.Utility, attribute, null, new CosemData.Boolean(false)));
        Assert.True(control.OutputState);
    }

    [Fact]
    public void Ctor_ModeNoneDisconnected_Throws()
    {
        Assert.Throws<ArgumentException>(() => new DisconnectControlObject(Ln, new RecordingEventRecorder(), DisconnectControlMode.None, connected: false));
    }

    private static ActionResult Invoke(DisconnectControlObject control, DisconnectControlTrigger trigger) =>
        control.Invoke(TestAssociations.Utility, trigger == DisconnectControlTrigger.RemoteDisconnect ? (sbyte)1 : (sbyte)2, Zero).Result;

    /// <summary>A fresh object brought to <paramref name="state"/> through allowed transitions, then switched to <paramref name="mode"/>.</summary>
    private static DisconnectControlObject InState(DisconnectControlMode mode, DisconnectControlState state, RecordingEventRecorder events)
    {
        var control = new DisconnectControlObject(Ln, events, DisconnectControlMode.Mode5, connected: state != DisconnectControlState.Disconnected);
        if (state == DisconnectControlState.ReadyForReconnection)
        {
            Assert.True(control.LocalDisconnect());
        }

        Assert.Equal(state, control.ControlState);
        Assert.Equal(DataAccessResult.Success, control.Set(TestAssociations.Utility, 4, null, new CosemData.Enum((byte)mode)));
        Assert.Equal(mode, control.ControlMode);
        return control;
    }
}
