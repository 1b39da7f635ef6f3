using Meterline.Dlms.Apdus;
using Meterline.Dlms.Cosem;
using Meterline.Meter.Cosem;
using Meterline.Meter.Time;
using Microsoft.Extensions.Time.Testing;

namespace Meterline.Meter.Tests.Cosem;

public sealed class RegisterObjectTests
{
    private static readonly ObisCode Energy = new(1, 0, 1, 8, 0, 255);
    private static readonly ObisCode MaximumDemand = new(1, 0, 1, 6, 0, 255);
    private static readonly ScalerUnit WattHours = new(0, Unit.WattHour);

    [Fact]
    public void Get_ValueAndScalerUnit_ReturnsThem()
    {
        var register = new RegisterObject(Energy, new ScalerUnit(-1, Unit.WattHour), () => new CosemData.DoubleLongUnsigned(12345));
        Assert.Equal(new CosemData.DoubleLongUnsigned(12345), register.Get(Contexts.Public, 2, null).Data);
        Assert.Equal(new CosemData.Structure(new CosemData.Integer(-1), new CosemData.Enum((byte)Unit.WattHour)), register.Get(Contexts.Public, 3, null).Data);
        Assert.Equal((ushort)3, register.ClassId);
        Assert.Equal(DataAccessResult.ObjectUndefined, register.Get(Contexts.Public, 4, null).Result);
    }

    [Fact]
    public void Set_ValueWithoutWriteCallback_ReadWriteDenied()
    {
        var register = new RegisterObject(Energy, WattHours, () => new CosemData.DoubleLongUnsigned(1));
        Assert.Equal(DataAccessResult.ReadWriteDenied, register.Set(Contexts.Utility, 2, null, new CosemData.DoubleLongUnsigned(2)));
    }

    [Fact]
    public void Set_ScalerUnit_ReadWriteDeniedEvenWithWriteCallback()
    {
        var register = new RegisterObject(Energy, WattHours, () => new CosemData.DoubleLongUnsigned(1), write: _ => DataAccessResult.Success);
        Assert.Equal(DataAccessResult.ReadWriteDenied, register.Set(Contexts.Utility, 3, null, WattHours.ToData()));
    }

    [Fact]
    public void Set_ValueWithWriteCallback_ReturnsCallbackResult()
    {
        CosemData? written = null;
        var register = new RegisterObject(Energy, WattHours, () => new CosemData.DoubleLong(1), write: v =>
        {
            written = v;
            return DataAccessResult.OtherReason;
        });
        Assert.Equal(DataAccessResult.OtherReason, register.Set(Contexts.Utility, 2, null, new CosemData.DoubleLong(-5)));
        Assert.Equal(new CosemData.DoubleLong(-5), written);
    }

    [Fact]
    public void Invoke_ResetWithIntegerZero_CallsReset()
    {
        var resets = 0;
        var register = new RegisterObject(Energy, WattHours, () => new CosemData.DoubleLongUnsigned(1), () => ++resets > 0);
        Assert.Equal(ActionResult.Success, register.Invoke(Contexts.Utility, 1, new CosemData.Integer(0)).Result);
        Assert.Equal(1, resets);
    }

    [Fact]
    public void Invoke_ResetWithoutCallback_ReadWriteDenied()
    {
        var register = new RegisterObject(Energy, WattHours, () => new CosemData.DoubleLongUnsigned(1));
        Assert.Equal(ActionResult.ReadWriteDenied, register.Invoke(Contexts.Utility, 1, new CosemData.Integer(0)).Result);
    }

    [Fact]
    public void Invoke_ResetDeclined_ReadWriteDenied()
    {
        var register = new RegisterObject(Energy, WattHours, () => new CosemData.DoubleLongUnsigned(1), () => false);
        Assert.Equal(ActionResult.ReadWriteDenied, register.Invoke(Contexts.Utility, 1, new CosemData.Integer(0)).Result);
    }

    [Fact]
    public void Invoke_ResetWithBadParameters_RefusedAndNotReset()
    {
        var resets = 0;
        var register = new RegisterObject(Energy, WattHours, () => new CosemData.DoubleLongUnsigned(1), () => ++resets > 0);
        Assert.Equal(ActionResult.TypeUnmatched, register.Invoke(Contexts.Utility, 1, new CosemData.Unsigned(0)).Result);
        Assert.Equal(ActionResult.TypeUnmatched, register.Invoke(Contexts.Utility, 1, null).Result);
        Assert.Equal(ActionResult.OtherReason, register.Invoke(Contexts.Utility, 1, new CosemData.Integer(1)).Result);
        Assert.Equal(ActionResult.ObjectUndefined, register.Invoke(Contexts.Utility, 2, new CosemData.Integer(0)).Result);
        Assert.Equal(0, resets);
    }

    [Fact]
    public void ExtendedRegister_Get_AllAttributes()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));
        var clock = new MeterClock(time, new TimeSpan(5, 30, 0), DeviationConvention.LocalMinusUtc);
        var captured = new DateTimeOffset(2026, 2, 28, 4, 30, 0, TimeSpan.Zero);
        var register = new ExtendedRegisterObject(
            MaximumDemand,
            new ScalerUnit(0, Unit.Watt),
            () => new ExtendedRegisterValue(new CosemData.DoubleLongUnsigned(4200), new CosemData.Unsigned(0), captured),
            clock);

        Assert.Equal((ushort)4, register.ClassId);
        Assert.Equal(new CosemData.DoubleLongUnsigned(4200), register.Get(Contexts.Public, 2, null).Data);
        Assert.Equal(new ScalerUnit(0, Unit.Watt).ToData(), register.Get(Contexts.Public, 3, null).Data);
        Assert.Equal(new CosemData.Unsigned(0), register.Get(Contexts.Public, 4, null).Data);

        // 04:30 UTC is 10:00 IST; IS 15959 deviation +330 (0x014A), day of week Saturday (6).
        var expected = Contexts.OctetString(0x07, 0xEA, 2, 28, 6, 10, 0, 0, 0, 0x01, 0x4A, 0x00);
        Assert.Equal(expected, register.Get(Contexts.Public, 5, null).Data);
        Assert.Equal(DataAccessResult.ReadWriteDenied, register.Set(Contexts.Utility, 2, null, new CosemData.DoubleLongUnsigned(0)));
    }

    [Fact]
    public void ExtendedRegister_NoCaptureTime_AllFieldsUnspecified()
    {
        var clock = new MeterClock(new FakeTimeProvider(), TimeSpan.Zero);
        var register = new ExtendedRegisterObject(
            MaximumDemand,
            new ScalerUnit(0, Unit.Watt),
            () => new ExtendedRegisterValue(new CosemData.DoubleLongUnsigned(0), new CosemData.Unsigned(0), null),
            clock);
        Assert.Equal(
            Contexts.OctetString(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x80, 0x00, 0xFF),
            register.Get(Contexts.Public, 5, null).Data);
    }

    [Fact]
    public void ExtendedRegister_Reset_CallsResetOrRefuses()
    {
        var clock = new MeterClock(new FakeTimeProvider(), TimeSpan.Zero);
        var resets = 0;
        ExtendedRegisterValue Value() => new(new CosemData.DoubleLongUnsigned(0), new CosemData.Unsigned(0), null);
        var resettable = new ExtendedRegisterObject(MaximumDemand, WattHours, Value, clock, () => ++resets > 0);
        var fixedRegister = new ExtendedRegisterObject(MaximumDemand, WattHours, Value, clock);

        Assert.Equal(ActionResult.TypeUnmatched, resettable.Invoke(Contexts.Utility, 1, new CosemData.Long(0)).Result);
        Assert.Equal(0, resets);
        Assert.Equal(ActionResult.Success, resettable.Invoke(Contexts.Utility, 1, new CosemData.Integer(0)).Result);
        Assert.Equal(1, resets);
        Assert.Equal(ActionResult.ReadWriteDenied, fixedRegister.Invoke(Contexts.Utility, 1, new CosemData.Integer(0)).Result);
    }
}
