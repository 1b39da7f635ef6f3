using System.Collections.Immutable;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Cosem;

namespace Meterline.Benchmarks;

/// <summary>Realistic IS 15959-style payloads shared by the benchmarks.</summary>
internal static class BenchmarkData
{
    public static readonly DateTimeOffset Start = new(2026, 11, 23, 0, 0, 0, new TimeSpan(5, 30, 0));

    /// <summary>
    /// One block load profile entry (1.0.99.1.0.255): clock, average voltage, average current, block energy import and
    /// export (Wh), block apparent energy import and export (VAh).
    /// </summary>
    public static CosemData.Structure LoadProfileEntry(int index) => new(
        CosemData.OctetString.FromDateTime(CosemDateTime.FromDateTimeOffset(Start.AddMinutes(15 * index), ClockStatus.Ok, DeviationConvention.LocalMinusUtc)),
        new CosemData.LongUnsigned((ushort)(2300 + (index % 40))),
        new CosemData.DoubleLongUnsigned((uint)(4_500 + (index * 37 % 900))),
        new CosemData.DoubleLongUnsigned((uint)(250 + (index * 13 % 120))),
        new CosemData.DoubleLongUnsigned(0),
        new CosemData.DoubleLongUnsigned((uint)(270 + (index * 11 % 130))),
        new CosemData.DoubleLongUnsigned(0));

    /// <summary>
    /// The push a meter sends every interval: its logical device name, its clock, the newest load profile entry, and
    /// instantaneous active power and signed power factor. Encodes to 92 bytes; 120 once ciphered (A+E) in a
    /// general-glo-ciphering APDU.
    /// </summary>
    public static DataNotification UsagePush(int index) => new(
        new LongInvokeIdAndPriority((uint)index, confirmed: false, highPriority: false),
        DateTime: null,
        new CosemData.Structure(
            new CosemData.OctetString("MTR0000000012345"u8.ToArray()),
            CosemData.OctetString.FromDateTime(CosemDateTime.FromDateTimeOffset(Start.AddMinutes(15 * index), ClockStatus.Ok, DeviationConvention.LocalMinusUtc)),
            LoadProfileEntry(index),
            new CosemData.DoubleLongUnsigned((uint)(1_000 + index % 500)),
            new CosemData.Long((short)(950 - index % 50))));

    /// <summary>A GET-Response-Normal carrying a whole day of 15-minute load profile: 96 entries.</summary>
    public static GetResponseNormal DayOfLoadProfile() => new(
        new InvokeIdAndPriority(1, confirmed: true, highPriority: false),
        new GetDataResult(new CosemData.Array(Enumerable.Range(0, 96).Select(i => (CosemData)LoadProfileEntry(i)).ToImmutableArray())));
}
