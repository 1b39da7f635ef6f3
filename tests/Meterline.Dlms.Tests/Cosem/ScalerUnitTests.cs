using Meterline.Dlms.Cosem;

namespace Meterline.Dlms.Tests.Cosem;

public class ScalerUnitTests
{
    [Theory]
    [InlineData(-2, 23012u, "230.12")]
    [InlineData(0, 5u, "5")]
    [InlineData(3, 42u, "42000")]
    [InlineData(-3, 1u, "0.001")]
    public void TryApply_Scaler_MultipliesByPowerOfTen(int scaler, uint raw, string expected)
    {
        var scalerUnit = new ScalerUnit((sbyte)scaler, Unit.Volt);
        Assert.True(scalerUnit.TryApply(new CosemData.DoubleLongUnsigned(raw), out var value));
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), value);
    }

    [Fact]
    public void TryFromData_ScalerUnitStructure_RoundTrips()
    {
        // Register 1.0.1.8.0.255 in Wh with scaler 0: structure {integer 0, enum 30}.
        var data = CosemDataCodec.Decode(Convert.FromHexString("02020F00161E"));
        Assert.True(ScalerUnit.TryFromData(data, out var value));
        Assert.Equal(new ScalerUnit(0, Unit.WattHour), value);
        Assert.Equal(data, value.ToData());
        Assert.Equal("Wh", ScalerUnit.Symbol(value.Unit));
    }

    [Fact]
    public void TryFromData_OtherShape_ReturnsFalse()
    {
        Assert.False(ScalerUnit.TryFromData(new CosemData.Structure(new CosemData.Unsigned(0), new CosemData.Enum(30)), out _));
        Assert.False(new ScalerUnit(0, Unit.Watt).TryApply(new CosemData.OctetString(new byte[2]), out _));
    }

    [Fact]
    public void TryApply_Extremes_DoNotOverflow()
    {
        Assert.False(new ScalerUnit(100, Unit.Watt).TryApply(new CosemData.Long64Unsigned(ulong.MaxValue), out _));
        Assert.True(new ScalerUnit(-100, Unit.Watt).TryApply(new CosemData.Long64Unsigned(ulong.MaxValue), out _));
        Assert.False(CosemNumbers.TryGetDecimal(new CosemData.Float64(double.NaN), out _));
        Assert.False(CosemNumbers.TryGetInt64(new CosemData.Long64Unsigned(ulong.MaxValue), out _));
    }
}
