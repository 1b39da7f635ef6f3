using System.Collections.Frozen;
using System.Globalization;

namespace Meterline.HeadEnd.Readings;

/// <summary>
/// What a stored value measures: a small code (the storage key) naming a COSEM register by its OBIS code (IEC 62056-61)
/// with the unit it is stored in. Values are stored already scaled, in the unit given here.
/// </summary>
public readonly record struct Quantity(short Code)
{
    public static readonly Quantity BlockImportEnergy = new(1);
    public static readonly Quantity BlockExportEnergy = new(2);
    public static readonly Quantity BlockAverageVoltage = new(3);
    public static readonly Quantity BlockAverageCurrent = new(4);
    public static readonly Quantity CumulativeImportEnergy = new(10);
    public static readonly Quantity CumulativeExportEnergy = new(11);
    public static readonly Quantity CumulativeApparentEnergy = new(12);
    public static readonly Quantity MaximumDemand = new(13);
    public static readonly Quantity BillingPeriodCount = new(14);
    public static readonly Quantity Voltage = new(30);
    public static readonly Quantity PhaseCurrent = new(31);
    public static readonly Quantity NeutralCurrent = new(32);
    public static readonly Quantity PowerFactor = new(33);

    /// <summary>Supply frequency (1.0.14.7.0.255), read on demand: the meter's pushes do not carry it.</summary>
    public static readonly Quantity Frequency = new(34);

    /// <summary>Cumulative import in tariff zone 1 to 8 (1.0.1.8.z.255).</summary>
    public static Quantity ImportInZone(int zone) =>
        zone is >= 1 and <= 8 ? new Quantity((short)(20 + zone)) : throw new ArgumentOutOfRangeException(nameof(zone), zone, "Tariff zones are 1 to 8.");

    private static readonly FrozenDictionary<short, (string Obis, string Unit, string Name)> Known = new Dictionary<short, (string, string, string)>
    {
        [1] = ("1.0.1.29.0.255", "Wh", "block energy import"),
        [2] = ("1.0.2.29.0.255", "Wh", "block energy export"),
        [3] = ("1.0.12.27.0.255", "V", "block average voltage"),
        [4] = ("1.0.11.27.0.255", "A", "block average current"),
        [10] = ("1.0.1.8.0.255", "Wh", "cumulative energy import"),
        [11] = ("1.0.2.8.0.255", "Wh", "cumulative energy export"),
        [12] = ("1.0.9.8.0.255", "VAh", "cumulative apparent energy"),
        [13] = ("1.0.1.6.0.255", "W", "maximum demand"),
        [14] = ("0.0.0.1.0.255", "", "billing period count"),
        [21] = ("1.0.1.8.1.255", "Wh", "energy import, tariff zone 1"),
        [22] = ("1.0.1.8.2.255", "Wh", "energy import, tariff zone 2"),
        [23] = ("1.0.1.8.3.255", "Wh", "energy import, tariff zone 3"),
        [24] = ("1.0.1.8.4.255", "Wh", "energy import, tariff zone 4"),
        [25] = ("1.0.1.8.5.255", "Wh", "energy import, tariff zone 5"),
        [26] = ("1.0.1.8.6.255", "Wh", "energy import, tariff zone 6"),
        [27] = ("1.0.1.8.7.255", "Wh", "energy import, tariff zone 7"),
        [28] = ("1.0.1.8.8.255", "Wh", "energy import, tariff zone 8"),
        [30] = ("1.0.12.7.0.255", "V", "voltage"),
        [31] = ("1.0.11.7.0.255", "A", "phase current"),
        [32] = ("1.0.91.7.0.255", "A", "neutral current"),
        [33] = ("1.0.13.7.0.255", "", "signed power factor"),
        [34] = ("1.0.14.7.0.255", "Hz", "frequency"),
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<string, short> ByObis = Known.ToFrozenDictionary(k => k.Value.Obis, k => k.Key, StringComparer.Ordinal);

    /// <summary>Every quantity the head-end knows.</summary>
    public static IEnumerable<Quantity> All => Known.Keys.Order().Select(code => new Quantity(code));

    public bool IsKnown => Known.ContainsKey(Code);

    /// <summary>The register's OBIS code in dotted decimal, e.g. 1.0.1.29.0.255.</summary>
    public string Obis => Known.TryGetValue(Code, out var k) ? k.Obis : string.Empty;

    public string Unit => Known.TryGetValue(Code, out var k) ? k.Unit : string.Empty;

    public string Name => Known.TryGetValue(Code, out var k) ? k.Name : $"quantity {Code.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The quantity of a register by its OBIS code in dotted decimal; false for a register the head-end does not store.</summary>
    public static bool TryFromObis(string obis, out Quantity quantity)
    {
        var found = ByObis.TryGetValue(obis, out var code);
        quantity = new Quantity(code);
        return found;
    }

    public override string ToString() => Name;
}
