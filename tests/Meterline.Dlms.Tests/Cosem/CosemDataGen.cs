using System.Collections.Immutable;
using CsCheck;
using Meterline.Dlms.Cosem;

namespace Meterline.Dlms.Tests.Cosem;

/// <summary>CsCheck generators for arbitrary, depth-bounded COSEM data.</summary>
internal static class CosemDataGen
{
    public static readonly Gen<CosemDateTime> DateTime =
        Gen.Select(Gen.UShort, Gen.Byte, Gen.Byte, Gen.Byte, Gen.Byte, Gen.Byte, Gen.Byte, Gen.Select(Gen.Byte, Gen.Short, Gen.Byte))
            .Select(t => new CosemDateTime(
                new CosemDate(t.Item1, t.Item2, t.Item3, t.Item4),
                new CosemTime(t.Item5, t.Item6, t.Item7, t.Item8.Item1),
                t.Item8.Item2,
                (ClockStatus)t.Item8.Item3));

    public static readonly Gen<CosemData> Simple = Gen.OneOf<CosemData>(
        Gen.Const<CosemData>(CosemData.NullData.Instance),
        Gen.Const<CosemData>(CosemData.DontCare.Instance),
        Gen.Bool.Select(v => (CosemData)new CosemData.Boolean(v)),
        Gen.Bool.Array[0, 40].Select(bits => (CosemData)CosemData.BitString.FromBits(bits)),
        Gen.Int.Select(v => (CosemData)new CosemData.DoubleLong(v)),
        Gen.UInt.Select(v => (CosemData)new CosemData.DoubleLongUnsigned(v)),
        Gen.Byte.Array[0, 300].Select(v => (CosemData)new CosemData.OctetString(v)),
        Gen.Char['\x20', '\x7E'].Array[0, 20].Select(v => (CosemData)new CosemData.VisibleString(new string(v))),
        Gen.String.Select(v => (CosemData)new CosemData.Utf8String(v)),
        Gen.Byte.Select(v => (CosemData)new CosemData.Bcd(v)),
        Gen.SByte.Select(v => (CosemData)new CosemData.Integer(v)),
        Gen.Short.Select(v => (CosemData)new CosemData.Long(v)),
        Gen.Byte.Select(v => (CosemData)new CosemData.Unsigned(v)),
        Gen.UShort.Select(v => (CosemData)new CosemData.LongUnsigned(v)),
        Gen.Long.Select(v => (CosemData)new CosemData.Long64(v)),
        Gen.ULong.Select(v => (CosemData)new CosemData.Long64Unsigned(v)),
        Gen.Byte.Select(v => (CosemData)new CosemData.Enum(v)),
        Gen.Float.Select(v => (CosemData)new CosemData.Float32(v)),
        Gen.Double.Select(v => (CosemData)new CosemData.Float64(v)),
        DateTime.Select(v => (CosemData)new CosemData.DateTime(v)),
        DateTime.Select(v => (CosemData)new CosemData.Date(v.Date)),
        DateTime.Select(v => (CosemData)new CosemData.Time(v.Time)));

    /// <summary>Any data, nested at most <paramref name="depth"/> levels.</summary>
    public static Gen<CosemData> Any(int depth) => depth == 0
        ? Simple
        : Gen.Frequency(
            (6, Simple),
            (1, Any(depth - 1).Array[0, 6].Select(items => (CosemData)new CosemData.Array(items))),
            (1, Any(depth - 1).Array[0, 6].Select(items => (CosemData)new CosemData.Structure(items))),
            (1, CompactArray));

    /// <summary>A compact array of structures of fixed-size and variable-size members.</summary>
    public static readonly Gen<CosemData> CompactArray =
        Gen.Select(Gen.UInt, Gen.Short, Gen.Byte.Array[0, 8]).Array[0, 10].Select(rows =>
            (CosemData)new CosemData.CompactArray(
                new TypeDescription.StructureOf(
                    new TypeDescription.Simple(DataTag.DoubleLongUnsigned),
                    new TypeDescription.Simple(DataTag.Long),
                    new TypeDescription.Simple(DataTag.OctetString)),
                rows.Select(r => (CosemData)new CosemData.Structure(
                    new CosemData.DoubleLongUnsigned(r.Item1),
                    new CosemData.Long(r.Item2),
                    new CosemData.OctetString(r.Item3))).ToImmutableArray()));
}
