using System.Globalization;

namespace Meterline.Dlms.Cosem;

/// <summary>
/// The scaler_unit attribute of Register-like objects (Blue Book class 3 attribute 3): structure {scaler integer,
/// unit enum}. The physical value is the raw value × 10^scaler, in <see cref="Unit"/>.
/// </summary>
public readonly record struct ScalerUnit(sbyte Scaler, Unit Unit)
{
    /// <summary>Reads a scaler_unit structure; false when <paramref name="data"/> has another shape.</summary>
    public static bool TryFromData(CosemData data, out ScalerUnit value)
    {
        if (data is CosemData.Structure { Items: [CosemData.Integer scaler, CosemData.Enum unit] })
        {
            value = new ScalerUnit(scaler.Value, (Unit)unit.Value);
            return true;
        }

        value = default;
        return false;
    }

    public CosemData ToData() => new CosemData.Structure(new CosemData.Integer(Scaler), new CosemData.Enum((byte)Unit));

    /// <summary>The physical value of a raw numeric register value; false when the value is not a number.</summary>
    public bool TryApply(CosemData raw, out decimal value)
    {
        if (!CosemNumbers.TryGetDecimal(raw, out var number))
        {
            value = 0;
            return false;
        }

        try
        {
            // One decade at a time: a large negative scaler shrinks towards zero instead of overflowing 10^n.
            for (var i = 0; i < Math.Abs((int)Scaler); i++)
            {
                number = Scaler > 0 ? number * 10 : number / 10;
            }

            value = number;
            return true;
        }
        catch (OverflowException)
        {
            value = 0;
            return false;
        }
    }

    /// <summary>A short symbol for the unit (W, Wh, V, A, Hz …).</summary>
    public static string Symbol(Unit unit) => unit switch
    {
        Unit.Watt => "W",
        Unit.VoltAmpere => "VA",
        Unit.Var => "var",
        Unit.WattHour => "Wh",
        Unit.VoltAmpereHour => "VAh",
        Unit.VarHour => "varh",
        Unit.Ampere => "A",
        Unit.Volt => "V",
        Unit.Hertz => "Hz",
        Unit.Percent => "%",
        Unit.DegreeCelsius => "°C",
        Unit.Second => "s",
        Unit.Minute => "min",
        Unit.Hour => "h",
        Unit.Day => "d",
        Unit.PhaseAngleDegree => "°",
        Unit.AmpereHour => "Ah",
        Unit.CubicMetre => "m³",
        Unit.Currency => "currency",
        Unit.Count => string.Empty,
        _ => Enum.IsDefined(unit) ? unit.ToString() : string.Create(CultureInfo.InvariantCulture, $"unit({(byte)unit})"),
    };

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"×10^{Scaler} {Symbol(Unit)}");
}
