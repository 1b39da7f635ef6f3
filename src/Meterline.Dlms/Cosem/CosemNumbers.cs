namespace Meterline.Dlms.Cosem;

/// <summary>Reads the numeric alternatives of <see cref="CosemData"/> as numbers, whatever their width.</summary>
public static class CosemNumbers
{
    /// <summary>The value of any integer or floating-point alternative; false for anything else (or NaN/infinity).</summary>
    public static bool TryGetDecimal(CosemData data, out decimal value)
    {
        switch (data)
        {
            case CosemData.Integer v: value = v.Value; return true;
            case CosemData.Long v: value = v.Value; return true;
            case CosemData.DoubleLong v: value = v.Value; return true;
            case CosemData.Long64 v: value = v.Value; return true;
            case CosemData.Unsigned v: value = v.Value; return true;
            case CosemData.LongUnsigned v: value = v.Value; return true;
            case CosemData.DoubleLongUnsigned v: value = v.Value; return true;
            case CosemData.Long64Unsigned v: value = v.Value; return true;
            case CosemData.Enum v: value = v.Value; return true;
            case CosemData.Float32 v when float.IsFinite(v.Value) && Math.Abs(v.Value) < 7.9e27f: value = (decimal)v.Value; return true;
            case CosemData.Float64 v when double.IsFinite(v.Value) && Math.Abs(v.Value) < 7.9e27: value = (decimal)v.Value; return true;
            default: value = 0; return false;
        }
    }

    /// <summary>The value of an integer alternative that fits a long; false otherwise.</summary>
    public static bool TryGetInt64(CosemData data, out long value)
    {
        switch (data)
        {
            case CosemData.Long64Unsigned v when v.Value > long.MaxValue:
            case CosemData.Float32:
            case CosemData.Float64:
                value = 0;
                return false;
            default:
                var ok = TryGetDecimal(data, out var number);
                value = ok ? (long)number : 0;
                return ok;
        }
    }
}
